"""Accesses: which lock, location, door or group one access person may open. The record
and `client.accesses` (kept: the mutations issue grants and revokes guests' locks)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, time
from typing import Any

from concierge.connectors.remotelock.core import (
    UNSET,
    Resource,
    body,
    given,
    query,
    segment,
    time_of_day,
)
from concierge.connectors.remotelock.fields import resource


@dataclass(frozen=True)
class Access:
    """An `access_person_access`: one person may open one lock, location, door or group."""

    id: str
    access_person_id: str
    access_person_type: str
    accessible_type: str  # lock | location | acs_door | door_group
    accessible_id: str
    access_schedule_id: str | None
    guest_start_time: time | None
    guest_end_time: time | None
    devices_count: int | None
    devices_synced_count: int | None
    devices_pending_sync_count: int | None
    devices_failed_sync_count: int | None
    created_at: datetime | None
    updated_at: datetime | None

    @classmethod
    def from_json(cls, data: object, where: str = "access") -> Access:
        _, ident, a, _ = resource(data, where)
        return cls(
            id=ident,
            access_person_id=a.text("access_person_id"),
            access_person_type=a.text("access_person_type"),
            accessible_type=a.text("accessible_type"),
            accessible_id=a.text("accessible_id"),
            access_schedule_id=a.opt_text("access_schedule_id"),
            guest_start_time=a.opt_time_of_day("guest_start_time"),
            guest_end_time=a.opt_time_of_day("guest_end_time"),
            devices_count=a.opt_integer("devices_count"),
            devices_synced_count=a.opt_integer("devices_synced_count"),
            devices_pending_sync_count=a.opt_integer("devices_pending_sync_count"),
            devices_failed_sync_count=a.opt_integer("devices_failed_sync_count"),
            created_at=a.opt_instant("created_at"),
            updated_at=a.opt_instant("updated_at"),
        )


class Accesses(Resource):
    async def list(
        self,
        person_id: str,
        *,
        accessible_type: str | None = None,
        accessible_id: str | None = None,
    ) -> list[Access]:
        params = query(filters={"accessible_type": accessible_type, "accessible_id": accessible_id})
        return await self._core.all(
            f"/access_persons/{segment(person_id)}/accesses", Access.from_json, "accesses", params
        )

    async def get(self, person_id: str, access_id: str) -> Access:
        return await self._core.one(
            "GET",
            f"/access_persons/{segment(person_id)}/accesses/{segment(access_id)}",
            Access.from_json,
            "access",
        )

    async def create(
        self,
        person_id: str,
        *,
        accessible_type: str,
        accessible_id: str,
        access_schedule_id: str | None = None,
        guest_start_time: time | None = None,
        guest_end_time: time | None = None,
    ) -> Access:
        """Let the person open a `lock`, every lock at a `location`, an `acs_door` or a
        `door_group`. Locks receive the credential asynchronously (see the sync counts)."""
        attributes: dict[str, Any] = {
            "accessible_type": accessible_type,
            "accessible_id": accessible_id,
        }
        attributes |= given(
            access_schedule_id=access_schedule_id or UNSET,
            guest_start_time=time_of_day(guest_start_time) or UNSET,
            guest_end_time=time_of_day(guest_end_time) or UNSET,
        )
        return await self._core.one(
            "POST",
            f"/access_persons/{segment(person_id)}/accesses",
            Access.from_json,
            "access",
            json_body=body(attributes),
            idempotent=False,
        )

    async def update(
        self, person_id: str, access_id: str, *, access_schedule_id: str | None
    ) -> Access:
        """Only the schedule can change (None removes it); revoke and grant to move it."""
        return await self._core.one(
            "PUT",
            f"/access_persons/{segment(person_id)}/accesses/{segment(access_id)}",
            Access.from_json,
            "access",
            json_body=body({"access_schedule_id": access_schedule_id}),
            idempotent=True,
        )

    async def delete(self, person_id: str, access_id: str) -> None:
        await self._core.nothing(
            "DELETE",
            f"/access_persons/{segment(person_id)}/accesses/{segment(access_id)}",
            idempotent=True,
        )
