"""Tenancies (v4) and their keypad PINs (v3): the records, `client.tenants` and `client.pins`."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Self

from concierge.connectors.butterflymx.core import Resource, segment
from concierge.connectors.butterflymx.fields import Fields
from concierge.connectors.butterflymx.jsonapi import id_of, resource


@dataclass(frozen=True)
class V4Unit:
    id: int
    label: str
    floor: str | None  # a string in v4 (`floor_number` is an integer in v3)
    building_id: int
    created_at: datetime | None
    updated_at: datetime | None

    @classmethod
    def from_fields(cls, f: Fields) -> Self:
        return cls(
            id=f.integer("id"),
            label=f.text("label"),
            floor=f.opt_text("floor"),
            building_id=f.integer("building_id"),
            created_at=f.opt_moment("created_at"),
            updated_at=f.opt_moment("updated_at"),
        )


@dataclass(frozen=True)
class V4Tenant:
    """A tenancy; its id equals the v3 tenant id."""

    id: int
    first_name: str | None
    last_name: str | None
    full_name: str | None
    email: str | None
    building_id: int
    inactive_after: datetime | None
    created_at: datetime | None
    updated_at: datetime | None
    unit: V4Unit

    @classmethod
    def from_json(cls, raw: object, where: str = "v4 tenant") -> Self:
        f = Fields(raw, where)
        return cls(
            id=f.integer("id"),
            first_name=f.opt_text("first_name"),
            last_name=f.opt_text("last_name"),
            full_name=f.opt_text("full_name"),
            email=f.opt_text("email"),
            building_id=f.integer("building_id"),
            inactive_after=f.opt_moment("inactive_after"),
            created_at=f.opt_moment("created_at"),
            updated_at=f.opt_moment("updated_at"),
            unit=V4Unit.from_fields(f.nested("unit")),
        )


@dataclass(frozen=True)
class Pin:
    tenant_id: str
    code: str

    @classmethod
    def from_json(cls, raw: object) -> Self:
        res = resource(raw, ("pins",))
        return cls(tenant_id=id_of(res.one("tenant")) or res.id, code=res.attributes.text("code"))


class Tenants(Resource):
    async def list(
        self,
        *,
        building_ids: Iterable[str | int] | None = None,
        unit_id: str | int | None = None,
    ) -> list[V4Tenant]:
        """Tenancies the user may act for (a resident: their own), with the unit embedded."""
        extra = [("q[unit_id_eq]", str(unit_id))] if unit_id is not None else []
        return await self._core.by_building("/v4/tenants", V4Tenant.from_json, building_ids, extra)


class Pins(Resource):
    # kept: the mutations issue sets a tenant's PIN (`setTenantPin`).
    async def set(self, tenant_id: str | int, code: str) -> None:
        """Set a tenant's keypad PIN (digits, as a string so leading zeros survive)."""
        if not code.isdigit():
            raise ValueError("butterflymx: a PIN code must be digits only")
        body = {"data": {"type": "pins", "id": str(tenant_id), "attributes": {"code": code}}}
        # Setting the same PIN twice leaves the same state: safe to retry.
        await self._core.no_content("PUT", "/v3/pins", body, idempotent=True)

    async def get(self, tenant_id: str | int) -> Pin:
        """A tenant's PIN; `VendorNotFoundError` when the tenant has none."""
        return await self._core.one(
            f"/v3/pins/{segment(tenant_id)}", lambda raw, _: Pin.from_json(raw)
        )
