"""The demo account rendered from the shared world: locations, locks, people and their access."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from concierge.sandbox.clock import Clock, iso_z
from concierge.sandbox.dataset import Building, World
from concierge.sandbox.remotelock.catalog import model_id_by_number, model_records
from concierge.sandbox.remotelock.store import Ids, Record, Store

STATE_CODES = {
    "Massachusetts": "MA",
    "Colorado": "CO",
    "California": "CA",
    "Illinois": "IL",
    "Washington": "WA",
    "New York": "NY",
}
# Unit doors: mostly LS-6i, some deadbolts (non-replaceable models carry restricted "replace").
LOCK_MODEL_MIX = (("LS-6i", 0.7), ("LS-DB500i", 0.2), ("LS-L500i", 0.1))
WEEKDAYS = ("mon", "tue", "wed", "thu", "fri")


def stamp(moment: float) -> str:
    return iso_z(datetime.fromtimestamp(moment, UTC))


def naive(moment: float) -> str:
    return datetime.fromtimestamp(moment, UTC).strftime("%Y-%m-%dT%H:%M:%S")


def base_store(world: World, ids: Ids, clock: Clock) -> Store:
    """Account, user, locations, models, schedules and the RemoteLock unit locks."""
    first_building = world.buildings[0].created_at
    user_id, account_id, role_id = ids.uuid(), ids.uuid(), ids.uuid()
    manager = world.manager
    store = Store(
        account=Record(
            "account",
            account_id,
            {
                "name": "Concierge Demo Properties",
                "created_at": stamp(first_building),
                "updated_at": stamp(first_building),
                "default_guest_start_time": "16:00:00",
                "default_guest_end_time": "11:00:00",
                "rental_guest_time_override": False,
                "primary_owner_id": user_id,
                "owner_role_id": role_id,
            },
        ),
        user=Record(
            "user",
            user_id,
            {
                "name": manager.name,
                "email": manager.email,
                "handle": manager.email.split("@")[0],
                "created_at": stamp(first_building),
                "updated_at": stamp(first_building),
                "primary_account_id": account_id,
                "default_account_id": account_id,
            },
        ),
    )
    for model in model_records():
        store.add(store.models, model)
    for building in world.buildings:
        store.add(store.locations, location_record(building))
    _schedules(store, ids, first_building)
    by_bmx = {b.bmx_id: b for b in world.buildings}
    now = clock.time()
    for lock in world.locks:
        if lock.vendor == "remotelock":
            store.add(
                store.devices,
                _lock_record(
                    lock.vendor_id, lock.name, lock.serial_number, by_bmx[lock.building], ids, now
                ),
            )
    return store


def location_record(building: Building) -> Record:
    return Record(
        "location",
        building.rl_location_id,
        {
            "name": building.name,
            "phone": building.phone_number,
            "address": building.address_1,
            "address2": None,
            "city": building.city,
            "state": STATE_CODES.get(building.state, building.state),
            "postal_code": building.zip_code,
            "country": "US",
            "time_zone": building.time_zone,
            "created_at": stamp(building.created_at),
            "updated_at": stamp(building.created_at),
        },
    )


def _schedules(store: Store, ids: Ids, created: float) -> None:
    def days(entry: list[dict[str, Any]], on: tuple[str, ...]) -> dict[str, Any]:
        return {d: (list(entry) if d in on else []) for d in (*WEEKDAYS, "sat", "sun")}

    plans: list[tuple[str, str, dict[str, Any]]] = [
        (
            "access_schedule",
            "Business hours",
            days([{"start_time": "08:00", "end_time": "18:00"}], WEEKDAYS),
        ),
        (
            "access_schedule",
            "Weekend cleaning crew",
            days([{"start_time": "09:00", "end_time": "13:00"}], ("sat", "sun")),
        ),
        (
            "auto_lock_schedule",
            "Night auto-lock",
            days(
                [{"time": "07:00", "enable": False}, {"time": "22:00", "enable": True}],
                (*WEEKDAYS, "sat", "sun"),
            ),
        ),
    ]
    for kind, name, plan in plans:
        store.add(
            store.schedules,
            Record(
                kind,
                ids.uuid(),
                {
                    "name": name,
                    **plan,
                    "created_at": stamp(created),
                    "updated_at": stamp(created),
                },
            ),
        )


def _lock_record(
    lock_id: str, name: str, serial: str, building: Building, ids: Ids, now: float
) -> Record:
    rng = ids.rng
    roll, model_number = rng.random(), LOCK_MODEL_MIX[-1][0]
    for number, share in LOCK_MODEL_MIX:
        if roll < share:
            model_number = number
            break
        roll -= share
    connected = rng.random() >= 0.06
    heartbeat = 1200
    last_seen = now - (rng.uniform(0, heartbeat) if connected else rng.uniform(3600, 72 * 3600))
    created = building.created_at + rng.uniform(86_400, 30 * 86_400)
    power = rng.randint(8, 19) if rng.random() < 0.08 else rng.randint(35, 100)
    return Record(
        "lock",
        lock_id,
        {
            "name": name,
            "heartbeat_interval": heartbeat,
            "wifi_level": 0,  # deprecated since 2018-04-12, always 0 in the reference
            "signal_quality": rng.randint(1, 4),
            "connected": connected,
            "alive": connected,
            "power_source": "alkaline_battery",
            "connected_at": stamp(last_seen),
            "serial_number": serial,
            "wake_wifi": "user_action",
            "muted": False,
            # Demo locks ship with auto-lock off so a remote unlock stays visible; PUT enables it.
            "auto_lock": False,
            "auto_lock_timeout": 20,
            "programming_code": ids.digits(6),
            "state": "locked" if rng.random() < 0.85 else "unlocked",
            "power_level": power,
            "created_at": stamp(created),
            "updated_at": stamp(created),
            "default_guest_start_time": None,
            "default_guest_end_time": None,
            "local_pins": [ids.digits(4)] if rng.random() < 0.2 else [],
            "model_id": model_id_by_number(model_number),
            "location_id": building.rl_location_id,
        },
    )
