"""v3 records for people in units: tenancies, the signed-in user (`/v3/me`), tenant PINs."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Self

from connectors.butterflymx.jsonapi import NOTHING_INCLUDED, Included, Ref, resource
from connectors.butterflymx.models import Building, Panel, Unit, User


def _ids(refs: tuple[Ref, ...]) -> tuple[str, ...]:
    return tuple(ident for _, ident in refs)


def _id(ref: Ref | None) -> str | None:
    return ref[1] if ref is not None else None


TENANT_TYPES = ("units_users", "tenants")  # `/v3/tenants` vs. `/v3/me` and requests


@dataclass(frozen=True)
class Tenant:
    """A tenancy: one user in one unit, with its per-unit settings."""

    id: str
    active_at: datetime | None
    inactive_at: datetime | None
    qr_key_enabled: bool | None
    directory_message: str | None
    display_name: str | None
    display_name_strategy: str | None
    display_first_name: str | None
    display_last_name: str | None
    display_only_on_search: bool | None
    pin_enabled: bool | None
    pin: str | None
    email_notifications: bool | None
    sms_notifications: bool | None
    do_not_disturb: bool | None
    unit_id: str | None
    user_id: str | None
    user: User | None  # the tenant endpoints always include it

    @classmethod
    def from_json(cls, raw: object, included: Included = NOTHING_INCLUDED) -> Self:
        res = resource(raw, TENANT_TYPES)
        a = res.attributes
        user_ref = res.one("user")
        user = included.find(user_ref)
        return cls(
            id=res.id,
            active_at=a.opt_moment("active_at"),
            inactive_at=a.opt_moment("inactive_at"),
            qr_key_enabled=a.opt_flag("qr_key_enabled"),
            directory_message=a.opt_text("directory_message"),
            display_name=a.opt_text("display_name"),
            display_name_strategy=a.opt_text("display_name_strategy"),
            display_first_name=a.opt_text("display_first_name"),
            display_last_name=a.opt_text("display_last_name"),
            display_only_on_search=a.opt_flag("display_only_on_search"),
            pin_enabled=a.opt_flag("pin_enabled"),
            pin=a.opt_text("pin"),
            email_notifications=a.opt_flag("email_notifications"),
            sms_notifications=a.opt_flag("sms_notifications"),
            do_not_disturb=a.opt_flag("do_not_disturb"),
            unit_id=_id(res.one("unit")),
            user_id=_id(user_ref),
            user=User.from_json(user) if user is not None else None,
        )


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
            unit_id=_id(unit_ref),
            building_id=_id(building_ref),
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
            building_ids=_ids(building_refs),
            tenant_ids=_ids(tenant_refs),
            buildings=tuple(Building.from_json(b, included) for b in buildings if b is not None),
            tenants=tuple(MeTenant.from_json(t, included) for t in tenants if t is not None),
        )


@dataclass(frozen=True)
class Pin:
    tenant_id: str
    code: str

    @classmethod
    def from_json(cls, raw: object) -> Self:
        res = resource(raw, ("pins",))
        return cls(tenant_id=_id(res.one("tenant")) or res.id, code=res.attributes.text("code"))
