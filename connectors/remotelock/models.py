"""RemoteLock records, shaped like the vendor's resources, with `from_json` parsers.

Parsers raise `VendorProtocolError` naming the field, never `KeyError`. Optional
relationship ids are omitted by the vendor when unset and read as None. PINs, card
numbers and programming codes are secrets in logs: they are left out of `repr`.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime, time
from typing import Any

from connectors.remotelock.fields import Fields, resource, restricted_actions

DAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
PERSON_STATUSES = ("current", "upcoming", "deactivated", "expired")


@dataclass(frozen=True)
class Location:
    id: str
    name: str
    time_zone: str | None
    phone: str | None
    address: str | None
    address2: str | None
    city: str | None
    state: str | None
    postal_code: str | None
    country: str | None
    created_at: datetime | None
    updated_at: datetime | None

    @classmethod
    def from_json(cls, data: object, where: str = "location") -> Location:
        _, ident, a, _ = resource(data, where)
        return cls(
            id=ident,
            name=a.text("name"),
            time_zone=a.opt_text("time_zone"),
            phone=a.opt_text("phone"),
            address=a.opt_text("address"),
            # Reference contradictory: the parameter table says address_2, responses address2.
            address2=a.opt_text("address2"),
            city=a.opt_text("city"),
            state=a.opt_text("state"),
            postal_code=a.opt_text("postal_code"),
            country=a.opt_text("country"),
            created_at=a.opt_instant("created_at"),
            updated_at=a.opt_instant("updated_at"),
        )


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


@dataclass(frozen=True)
class AccessPerson:
    """An `access_user` (resident, staff) or `access_guest` (visitor with a time window)."""

    id: str
    type: str  # access_user | access_guest
    name: str
    status: str  # current | upcoming | expired | deactivated
    email: str | None
    phone: str | None
    department: str | None
    rental_source: str | None
    starts_at: datetime | None  # guests only: wall-clock time at the location, no zone
    ends_at: datetime | None
    created_at: datetime | None
    updated_at: datetime | None
    pin: str | None = field(default=None, repr=False)
    card_number: str | None = field(default=None, repr=False)
    restricted_actions: tuple[str, ...] = ()

    @property
    def is_guest(self) -> bool:
        return self.type == "access_guest"

    @classmethod
    def from_json(cls, data: object, where: str = "access_person") -> AccessPerson:
        kind, ident, a, meta = resource(data, where)
        return cls(
            id=ident,
            type=kind,
            name=a.text("name"),
            status=a.text("status"),
            email=a.opt_text("email"),
            phone=a.opt_text("phone"),
            department=a.opt_text("department"),
            rental_source=a.opt_text("rental_source"),
            starts_at=a.opt_wall_time("starts_at"),
            ends_at=a.opt_wall_time("ends_at"),
            created_at=a.opt_instant("created_at"),
            updated_at=a.opt_instant("updated_at"),
            pin=a.opt_text("pin"),
            card_number=a.opt_text("card_number"),
            restricted_actions=restricted_actions(meta),
        )


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


@dataclass(frozen=True)
class Schedule:
    """A weekly schedule; day entries keep the vendor's per-type shape, e.g.
    `{"start_time": "08:00", "end_time": "12:00"}` for an `access_schedule`."""

    id: str
    type: str  # access_schedule | auto_lock_schedule | lock_action_schedule | ...
    name: str
    days: Mapping[str, tuple[Mapping[str, Any], ...]] = field(hash=False)
    created_at: datetime | None
    updated_at: datetime | None

    @classmethod
    def from_json(cls, data: object, where: str = "schedule") -> Schedule:
        kind, ident, a, _ = resource(data, where)
        days = {day: tuple(dict(entry.data) for entry in a.objects(day)) for day in DAYS}
        return cls(
            id=ident,
            type=kind,
            name=a.text("name"),
            days=days,
            created_at=a.opt_instant("created_at"),
            updated_at=a.opt_instant("updated_at"),
        )


@dataclass(frozen=True)
class Account:
    id: str
    name: str
    default_guest_start_time: time | None
    default_guest_end_time: time | None
    created_at: datetime | None

    @classmethod
    def from_json(cls, data: object, where: str = "account") -> Account:
        _, ident, a, _ = resource(data, where)
        return cls(
            id=ident,
            name=a.text("name"),
            default_guest_start_time=a.opt_time_of_day("default_guest_start_time"),
            default_guest_end_time=a.opt_time_of_day("default_guest_end_time"),
            created_at=a.opt_instant("created_at"),
        )


def page_meta(body: Fields) -> tuple[int, int]:
    """(page, total_pages) from a collection's `meta`."""
    meta = body.nested("meta")
    return meta.integer("page"), meta.integer("total_pages")
