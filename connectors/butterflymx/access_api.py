"""v3 buildings, units, tenants, the current user, PINs and devices."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from connectors.butterflymx.base import ClientBase, FilterValue, list_query, segment
from connectors.butterflymx.jsonapi import Included
from connectors.butterflymx.models import Building, Device, Unit
from connectors.butterflymx.people_models import ME_INCLUDES, Me, Pin, Tenant


def _building(raw: Any, included: Included) -> Building:
    return Building.from_json(raw, included)


def _unit(raw: Any, included: Included) -> Unit:
    return Unit.from_json(raw, included)


def _tenant(raw: Any, included: Included) -> Tenant:
    return Tenant.from_json(raw, included)


def _device(raw: Any, included: Included) -> Device:
    return Device.from_json(raw, included)


def _wanted(ids: Iterable[str | int] | None) -> set[str] | None:
    return None if ids is None else {str(i) for i in ids}


class AccessAPI(ClientBase):
    async def list_buildings(self, *, sort: str | Sequence[str] | None = None) -> list[Building]:
        """Buildings the account administers, with their panels (always included)."""
        return await self._all("/v3/buildings", _building, list_query(sort=sort))

    async def get_building(self, building_id: str | int) -> Building:
        return await self._one(
            f"/v3/buildings/{segment(building_id)}", _building, list_query(include=["panels"])
        )

    async def list_units(
        self,
        *,
        building_ids: Iterable[str | int] | None = None,
        labels: Iterable[str] | None = None,
        floor_numbers: Iterable[int] | None = None,
        include_building: bool = False,
        include_users: bool = False,
        sort: str | Sequence[str] | None = None,
    ) -> list[Unit]:
        """Units the account can see.

        The vendor filters units by label, floor and type only: `building_ids` is applied
        here, after walking every page, so cache the result rather than calling per building.
        """
        params = list_query(
            {"label": labels, "floor_number": floor_numbers},
            sort=sort,
            include=_includes(building=include_building, users=include_users),
        )
        units = await self._all("/v3/units", _unit, params)
        wanted = _wanted(building_ids)
        return [u for u in units if wanted is None or u.building_id in wanted]

    async def get_unit(
        self, unit_id: str | int, *, include_building: bool = False, include_users: bool = False
    ) -> Unit:
        params = list_query(include=_includes(building=include_building, users=include_users))
        return await self._one(f"/v3/units/{segment(unit_id)}", _unit, params)

    async def list_tenants(
        self,
        *,
        unit_ids: Iterable[str | int] | None = None,
        filters: Mapping[str, FilterValue] | None = None,
        sort: str | Sequence[str] | None = None,
    ) -> list[Tenant]:
        """Tenancies with their users (always included).

        `filters` are the vendor's (`pin_enabled`, `do_not_disturb`, ...). It has no unit
        filter: `unit_ids` is applied here after the full walk.
        """
        tenants = await self._all("/v3/tenants", _tenant, list_query(filters, sort=sort))
        wanted = _wanted(unit_ids)
        return [t for t in tenants if wanted is None or t.unit_id in wanted]

    async def get_tenant(self, tenant_id: str | int) -> Tenant:
        return await self._one(f"/v3/tenants/{segment(tenant_id)}", _tenant)

    async def get_me(self, *, include: Iterable[str] = ()) -> Me:
        """The signed-in user; `include` any of `ME_INCLUDES` to get buildings and tenancies."""
        unknown = set(include) - ME_INCLUDES
        if unknown:
            raise ValueError(f"butterflymx: /v3/me cannot include {sorted(unknown)}")
        return await self._one("/v3/me", Me.from_json, list_query(include=include))

    async def set_pin(self, tenant_id: str | int, code: str) -> None:
        """Set a tenant's keypad PIN (digits, as a string so leading zeros survive)."""
        if not code.isdigit():
            raise ValueError("butterflymx: a PIN code must be digits only")
        body = {"data": {"type": "pins", "id": str(tenant_id), "attributes": {"code": code}}}
        # Setting the same PIN twice leaves the same state: safe to retry.
        await self._no_content("PUT", "/v3/pins", body, idempotent=True)

    async def get_pin(self, tenant_id: str | int) -> Pin:
        """A tenant's PIN; `VendorNotFoundError` when the tenant has none."""
        return await self._one(f"/v3/pins/{segment(tenant_id)}", lambda raw, _: Pin.from_json(raw))

    async def list_devices(
        self,
        *,
        building_ids: Iterable[str | int] | None = None,
        device_type: str | None = None,
        include_building: bool = False,
        sort: str | Sequence[str] | None = None,
    ) -> list[Device]:
        params = list_query(
            {"device_type": device_type},
            sort=sort,
            include=_includes(building=include_building),
        )
        return await self._all_batched("/v3/devices", _device, params, "building", building_ids)


def _includes(**wanted: bool) -> list[str]:
    return [name for name, on in wanted.items() if on]
