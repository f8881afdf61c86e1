"""v4 (plain JSON): tenants, access points and devices by building, and remote door release.

v4 lists are not paginated and take one value per Ransack predicate (`q[building_id_eq]`),
so a batch of buildings is one request per building, sent together.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Iterable
from typing import Any, TypeVar

from connectors.butterflymx.base import V4_HEADERS, ClientBase, Params, id_list
from connectors.butterflymx.fields import Fields
from connectors.butterflymx.v4_models import AccessPoint, DoorReleaseRequest, V4Device, V4Tenant

T = TypeVar("T")


class V4API(ClientBase):
    async def list_v4_tenants(
        self,
        *,
        building_ids: Iterable[str | int] | None = None,
        unit_id: str | int | None = None,
    ) -> list[V4Tenant]:
        """Tenancies the user may act for (a resident: their own), with the unit embedded."""
        extra = [("q[unit_id_eq]", str(unit_id))] if unit_id is not None else []
        return await self._by_building("/v4/tenants", V4Tenant.from_json, building_ids, extra)

    async def list_access_points(
        self, *, building_ids: Iterable[str | int] | None = None
    ) -> list[AccessPoint]:
        return await self._by_building("/v4/access_points", AccessPoint.from_json, building_ids)

    async def list_v4_devices(
        self,
        *,
        building_ids: Iterable[str | int] | None = None,
        unit_id: str | int | None = None,
    ) -> list[V4Device]:
        """Devices (unit smart locks and the controllers behind access points)."""
        extra = [("q[unit_id_eq]", str(unit_id))] if unit_id is not None else []
        return await self._by_building("/v4/devices", V4Device.from_json, building_ids, extra)

    async def create_door_release_request(
        self,
        tenant_id: str | int,
        *,
        access_point_id: str | int | None = None,
        device_id: str | int | None = None,
    ) -> DoorReleaseRequest:
        """Open a door now, on behalf of a tenant: an access point or a unit's device.

        A physical action: sent once and never retried blind (not even after a 503, when
        the door may already have opened); make it safe to repeat with an idempotency key.
        """
        if (access_point_id is None) == (device_id is None):
            raise ValueError("butterflymx: give exactly one of access_point_id or device_id")
        target = (
            {"access_point_id": _integer(access_point_id)}
            if access_point_id is not None
            else {"device_id": _integer(device_id)}
        )
        body = {"door_release_request": {"tenant_id": _integer(tenant_id), **target}}
        response = await self._call(
            "POST",
            "/v4/door_release_requests",
            json_body=body,
            headers=V4_HEADERS,
            idempotent=False,
        )
        data = Fields(response.body, "door release response").nested("data")
        return DoorReleaseRequest.from_json(data.data, data.where)

    async def _by_building(
        self,
        path: str,
        parse: Callable[[Any, str], T],
        building_ids: Iterable[str | int] | None,
        extra: Params | None = None,
    ) -> list[T]:
        buildings = id_list(building_ids)
        if buildings is None:
            return await self._v4_list(path, parse, list(extra or []))
        lists = await asyncio.gather(
            *(
                self._v4_list(path, parse, [("q[building_id_eq]", b), *(extra or [])])
                for b in buildings
            )
        )
        return [item for found in lists for item in found]


def _integer(value: str | int | None) -> int:
    """v4 ids are integers on the wire."""
    if isinstance(value, int) and not isinstance(value, bool):
        return value
    if isinstance(value, str) and value.isdigit():
        return int(value)
    raise ValueError(f"butterflymx: v4 ids are integers, got {value!r}")
