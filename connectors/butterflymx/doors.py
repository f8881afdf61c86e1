"""Doors (v4, plain JSON): access points, unit devices, and opening one now.

The records and `client.access_points`, `client.devices` and `client.doors` (the remote
door release request, named `unlock` like RemoteLock's).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Self

from concierge.connectors.butterflymx.core import V4_HEADERS, Resource
from concierge.connectors.butterflymx.fields import Fields
from concierge.connectors.tokens import TokenSource


@dataclass(frozen=True)
class AccessPoint:
    """A common entry (intercom, ACS controller, keypad, common-area lock)."""

    id: int
    name: str
    building_id: int
    device_ids: tuple[int, ...]
    created_at: datetime | None
    updated_at: datetime | None

    @classmethod
    def from_json(cls, raw: object, where: str = "access point") -> Self:
        f = Fields(raw, where)
        return cls(
            id=f.integer("id"),
            name=f.text("name"),
            building_id=f.integer("building_id"),
            device_ids=f.integers("device_ids"),
            created_at=f.opt_moment("created_at"),
            updated_at=f.opt_moment("updated_at"),
        )


@dataclass(frozen=True)
class V4Device:
    id: int
    name: str
    type: str  # e.g. smart_lock
    model: str | None
    serial_number: str | None
    building_id: int
    created_at: datetime | None
    updated_at: datetime | None

    @classmethod
    def from_json(cls, raw: object, where: str = "v4 device") -> Self:
        f = Fields(raw, where)
        return cls(
            id=f.integer("id"),
            name=f.text("name"),
            type=f.text("type"),
            model=f.opt_text("model"),
            serial_number=f.opt_text("serial_number"),
            building_id=f.integer("building_id"),
            created_at=f.opt_moment("created_at"),
            updated_at=f.opt_moment("updated_at"),
        )


@dataclass(frozen=True)
class DoorReleaseRequest:
    """The answer to a remote door release (shape undocumented; the sandbox's decision)."""

    id: int
    tenant_id: int
    access_point_id: int | None
    device_id: int | None
    status: str
    door_release_id: int | None
    created_at: datetime | None
    updated_at: datetime | None

    @classmethod
    def from_json(cls, raw: object, where: str = "door release request") -> Self:
        f = Fields(raw, where)
        return cls(
            id=f.integer("id"),
            tenant_id=f.integer("tenant_id"),
            access_point_id=f.opt_integer("access_point_id"),
            device_id=f.opt_integer("device_id"),
            status=f.text("status"),
            door_release_id=f.opt_integer("door_release_id"),
            created_at=f.opt_moment("created_at"),
            updated_at=f.opt_moment("updated_at"),
        )


class AccessPoints(Resource):
    async def list(self, *, building_ids: Iterable[str | int] | None = None) -> list[AccessPoint]:
        return await self._core.by_building(
            "/v4/access_points", AccessPoint.from_json, building_ids
        )


class Devices(Resource):
    async def list(
        self,
        *,
        building_ids: Iterable[str | int] | None = None,
        unit_id: str | int | None = None,
    ) -> list[V4Device]:
        """Devices (unit smart locks and the controllers behind access points)."""
        extra = [("q[unit_id_eq]", str(unit_id))] if unit_id is not None else []
        return await self._core.by_building("/v4/devices", V4Device.from_json, building_ids, extra)


class Doors(Resource):
    # kept: the mutations issue unlocks ButterflyMX doors with this (`unlockDoor`).
    async def unlock(
        self,
        tenant_id: str | int,
        *,
        access_point_id: str | int | None = None,
        device_id: str | int | None = None,
        tokens: TokenSource | None = None,
    ) -> DoorReleaseRequest:
        """Open a door now (a v4 door release request), on behalf of a tenant: an access
        point or a unit's device. `tokens`: the tenant's own (their linked account), else
        the account's.

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
        response = await self._core.send(
            "POST",
            "/v4/door_release_requests",
            json_body=body,
            headers=V4_HEADERS,
            idempotent=False,
            tokens=tokens,
        )
        data = Fields(response.body, "door release response").nested("data")
        return DoorReleaseRequest.from_json(data.data, data.where)


def _integer(value: str | int | None) -> int:
    """v4 ids are integers on the wire."""
    if isinstance(value, int) and not isinstance(value, bool):
        return value
    if isinstance(value, str) and value.isdigit():
        return int(value)
    raise ValueError(f"butterflymx: v4 ids are integers, got {value!r}")
