"""Locations, devices and the physical lock/unlock commands."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import time

from connectors.remotelock.api import UNSET, ApiBase, Unset, body, given, query, time_of_day
from connectors.remotelock.models import Access, Device, Location


class DevicesApi(ApiBase):
    async def list_locations(
        self, *, ids: Iterable[str] | None = None, sort: str | Sequence[str] | None = None
    ) -> list[Location]:
        return await self._all(
            "/locations", Location.from_json, "locations", query(sort=sort), ids=ids
        )

    async def get_location(self, location_id: str) -> Location:
        return await self._one("GET", f"/locations/{location_id}", Location.from_json, "location")

    async def list_devices(
        self,
        *,
        ids: Iterable[str] | None = None,
        location_ids: Sequence[str] | None = None,
        types: Sequence[str] | None = None,
        sort: str | Sequence[str] | None = None,
    ) -> list[Device]:
        """Devices (locks, in practice), optionally only `ids` or those at `location_ids`.

        `types` takes the snake_case names (`lock`, `power_plug`); the vendor also accepts
        its class names (`Lock`, `ACS::Door`).
        """
        params = query(types=types, sort=sort, filters={"location_id": location_ids})
        return await self._all("/devices", Device.from_json, "devices", params, ids=ids)

    async def get_device(self, device_id: str) -> Device:
        return await self._one("GET", f"/devices/{device_id}", Device.from_json, "device")

    async def update_device(
        self,
        device_id: str,
        *,
        name: str | Unset = UNSET,
        location_id: str | Unset = UNSET,
        auto_lock: bool | Unset = UNSET,
        auto_lock_timeout: int | Unset = UNSET,
        muted: bool | Unset = UNSET,
        heartbeat_interval: int | Unset = UNSET,
        wake_wifi: str | Unset = UNSET,
        power_source: str | Unset = UNSET,
        default_guest_start_time: time | Unset | None = UNSET,
        default_guest_end_time: time | Unset | None = UNSET,
        lock_action_schedule_id: str | Unset | None = UNSET,
        local_pins: Sequence[str] | Unset = UNSET,
    ) -> Device:
        """Change a lock's settings; only the arguments given are sent (PUT is partial).

        `lock_action_schedule_id=None` detaches the schedule; `local_pins` can only remove
        keypad PINs (send the ones to keep). Settings sent before a new lock's first wake
        (`connected_at` still None) may be lost, the reference warns.
        """
        attributes = given(
            name=name,
            location_id=location_id,
            auto_lock=auto_lock,
            auto_lock_timeout=auto_lock_timeout,
            muted=muted,
            heartbeat_interval=heartbeat_interval,
            wake_wifi=wake_wifi,
            power_source=power_source,
            lock_action_schedule_id=lock_action_schedule_id,
        )
        for key, value in (
            ("default_guest_start_time", default_guest_start_time),
            ("default_guest_end_time", default_guest_end_time),
        ):
            if not isinstance(value, Unset):
                attributes[key] = time_of_day(value)
        if not isinstance(local_pins, Unset):
            attributes["local_pins"] = list(local_pins)
        # Setting the same values twice leaves the lock as once: safe to retry.
        return await self._one(
            "PUT",
            f"/devices/{device_id}",
            Device.from_json,
            "device",
            json_body=body(attributes),
            idempotent=True,
        )

    async def lock_device(self, device_id: str) -> Device:
        """Command a lock to lock; the answer shows the commanded state at once.

        The lock confirms later with a `locked_event` (failed, `status_info: timeout`, when
        it is offline). Sent exactly once: never retried unless the connection could not
        be opened, since a resent command could act after the caller gave up.
        """
        return await self._command(device_id, "lock")

    async def unlock_device(self, device_id: str) -> Device:
        """Command a lock to unlock; see `lock_device`. Never retried blind."""
        return await self._command(device_id, "unlock")

    async def _command(self, device_id: str, action: str) -> Device:
        return await self._one(
            "PUT", f"/devices/{device_id}/{action}", Device.from_json, "device", idempotent=False
        )

    async def list_device_accesses(
        self, device_id: str, *, access_person_type: str | None = None
    ) -> list[Access]:
        """Accesses that open the lock, directly or through its location."""
        params = query(filters={"access_person_type": access_person_type})
        return await self._all(
            f"/devices/{device_id}/access_person_accesses", Access.from_json, "accesses", params
        )
