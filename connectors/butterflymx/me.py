"""The signed-in user (`/v3/me`) with its buildings and tenancies: the records and `client.me`."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Self

from concierge.connectors.butterflymx.buildings import Building, Panel
from concierge.connectors.butterflymx.core import Resource, list_query
from concierge.connectors.butterflymx.jsonapi import (
    NOTHING_INCLUDED,
    Included,
    id_of,
    ids_of,
    resource,
)
from concierge.connectors.butterflymx.units import Unit, User

TENANT_TYPES = ("units_users", "tenants")  # `/v3/tenants` vs. `/v3/me` and requests


@dataclass(frozen=True)
class MeTenant:
    """A tenancy as `/v3/me` includes it: the unit id, plus what nested includes joined."""

    id: str
    unit_id: str | None
    building_id: str | None
    unit: Unit | None  # `tenants.unit`
    building: Building | None  # `tenants.building` (the reduced serializer)
    panels: tuple[Panel, ...]  # `tenants.panels`

    @classmethod
    def from_json(cls, raw: object, included: Included = NOTHING_INCLUDED) -> Self:
        res = resource(raw, TENANT_TYPES)
        unit_id = res.attributes.opt_integer("unit_id")
        unit_ref = res.one("unit") or (("units", str(unit_id)) if unit_id is not None else None)
        building_ref = res.one("building")
        unit, building = included.find(unit_ref), included.find(building_ref)
        panels = [included.find(ref) for ref in res.many("panels")]
        return cls(
            id=res.id,
            unit_id=id_of(unit_ref),
            building_id=id_of(building_ref),
            unit=Unit.from_json(unit, included) if unit is not None else None,
            building=Building.from_json(building, included) if building is not None else None,
            panels=tuple(Panel.from_json(p) for p in panels if p is not None),
        )


ME_INCLUDES = frozenset(
    {"buildings", "tenants", "tenants.building", "tenants.unit", "tenants.panels"}
)


@dataclass(frozen=True)
class Me:
    """The signed-in user, with the buildings and tenancies it can act in."""

    user: User
    building_ids: tuple[str, ...]
    tenant_ids: tuple[str, ...]
    buildings: tuple[Building, ...]  # `include=buildings`
    tenants: tuple[MeTenant, ...]  # `include=tenants` (or a nested `tenants.*`)

    @classmethod
    def from_json(cls, raw: object, included: Included = NOTHING_INCLUDED) -> Self:
        res = resource(raw, ("users",))
        building_refs, tenant_refs = res.many("buildings"), res.many("tenants")
        buildings = [included.find(ref) for ref in building_refs]
        tenants = [included.find(ref, *TENANT_TYPES) for ref in tenant_refs]
        return cls(
            user=User.from_json(raw),
            building_ids=ids_of(building_refs),
            tenant_ids=ids_of(tenant_refs),
            buildings=tuple(Building.from_json(b, included) for b in buildings if b is not None),
            tenants=tuple(MeTenant.from_json(t, included) for t in tenants if t is not None),
        )


class CurrentUser(Resource):
    async def get(self, *, include: Iterable[str] = ()) -> Me:
        """The signed-in user; `include` any of `ME_INCLUDES` to get buildings and tenancies."""
        unknown = set(include) - ME_INCLUDES
        if unknown:
            raise ValueError(f"butterflymx: /v3/me cannot include {sorted(unknown)}")
        return await self._core.one("/v3/me", Me.from_json, list_query(include=include))
