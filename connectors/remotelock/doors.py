"""Devices (locks, in practice): the record and `client.doors`, with lock and unlock."""

from __future__ import annotations

import builtins
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime, time

from concierge.connectors.remotelock.accesses import Access
from concierge.connectors.remotelock.core import Resource, query, segment
from concierge.connectors.remotelock.fields import resource, restricted_actions


@dataclass(frozen=True)
class Device:
    """Any device in `/devices`; lock fields are None for other types (plugs, thermostats)."""

    id: str
    type: str  # lock | thermostat | power_plug | resort_lock | acs_door
    name: str
    location_id: str
    model_id: str | None
    serial_number: str | None
    state: str | None  # the commanded state: locked | unlocked
    connected: bool | None
    alive: bool | None
    connected_at: datetime | None
    power_level: int | None
    power_source: str | None
    signal_quality: int | None
    heartbeat_interval: int | None
    wake_wifi: str | None
    muted: bool | None
    auto_lock: bool | None
    auto_lock_timeout: int | None
    default_guest_start_time: time | None
    default_guest_end_time: time | None
    lock_action_schedule_id: str | None
    created_at: datetime | None
    updated_at: datetime | None
    programming_code: str | None = field(default=None, repr=False)
    local_pins: tuple[str, ...] = field(default=(), repr=False)
    restricted_actions: tuple[str, ...] = ()

    @property
    def is_lock(self) -> bool:
        return self.type == "lock"

    @classmethod
    def from_json(cls, data: object, where: str = "device") -> Device:
        kind, ident, a, meta = resource(data, where)
        is_lock = kind == "lock"
        return cls(
            id=ident,
            type=kind,
            name=a.text("name"),
            location_id=a.text("location_id"),
            model_id=a.opt_text("model_id"),
            serial_number=a.opt_text("serial_number"),
            # A lock without its state or connectivity is useless to us: required for locks.
            state=a.text("state") if is_lock else a.opt_text("state"),
            connected=a.boolean("connected") if is_lock else a.opt_boolean("connected"),
            alive=a.opt_boolean("alive"),
            connected_at=a.opt_instant("connected_at"),
            power_level=a.opt_integer("power_level"),
            power_source=a.opt_text("power_source"),
            signal_quality=a.opt_integer("signal_quality"),
            heartbeat_interval=a.opt_integer("heartbeat_interval"),
            wake_wifi=a.opt_text("wake_wifi"),
            muted=a.opt_boolean("muted"),
            auto_lock=a.opt_boolean("auto_lock"),
            auto_lock_timeout=a.opt_integer("auto_lock_timeout"),
            default_guest_start_time=a.opt_time_of_day("default_guest_start_time"),
            default_guest_end_time=a.opt_time_of_day("default_guest_end_time"),
            lock_action_schedule_id=a.opt_text("lock_action_schedule_id"),
            created_at=a.opt_instant("created_at"),
            updated_at=a.opt_instant("updated_at"),
            programming_code=a.opt_text("programming_code"),
            local_pins=a.opt_texts("local_pins") or (),
            restricted_actions=restricted_actions(meta),
        )


class Doors(Resource):
    async def list(
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
        return await self._core.all("/devices", Device.from_json, "devices", params, ids=ids)

    async def get(self, device_id: str) -> Device:
        return await self._core.one(
            "GET", f"/devices/{segment(device_id)}", Device.from_json, "device"
        )

    async def lock(self, device_id: str) -> Device:
        """Command a lock to lock; the answer shows the commanded state at once.

        The lock confirms later with a `locked_event` (failed, `status_info: timeout`, when
        it is offline). Sent exactly once: never retried unless the connection could not
        be opened, since a resent command could act after the caller gave up.
        """
        return await self._command(device_id, "lock")

    async def unlock(self, device_id: str) -> Device:
        """Command a lock to unlock; see `lock_device`. Never retried blind."""
        return await self._command(device_id, "unlock")

    async def _command(self, device_id: str, action: str) -> Device:
        return await self._core.one(
            "PUT",
            f"/devices/{segment(device_id)}/{action}",
            Device.from_json,
            "device",
            idempotent=False,
        )

    async def list_accesses(
        self, device_id: str, *, access_person_type: str | None = None
    ) -> builtins.list[Access]:
        """Accesses that open the lock, directly or through its location."""
        params = query(filters={"access_person_type": access_person_type})
        return await self._core.all(
            f"/devices/{segment(device_id)}/access_person_accesses",
            Access.from_json,
            "accesses",
            params,
        )
