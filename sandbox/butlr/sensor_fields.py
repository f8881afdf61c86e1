"""Which sensor fields a client may change, shared by Update Sensor and Update Space.

Update Sensor's body is an untyped `{}` in the reference. We let clients change placement and
configuration (the writable-looking fields of Sensor Details and of the Update Space sample:
name, mode, room_id, hive_id, center/coordinates, height, orientation, activeHours,
isEntrance/isEntrace, door_line, sensitivity, parallel_to_door, in_direction). Read-only and
internal keys the reference prints (id, mac_address, battery, PK/SK, ...) are accepted and
ignored so a fetched record can be sent back; anything else is a bad request.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from concierge.sandbox.butlr import ids
from concierge.sandbox.butlr.errors import invalid, reject_unknown_keys
from concierge.sandbox.butlr.records import SensorRec, SpaceRec
from concierge.sandbox.butlr.store import HEARTBEAT_PERIOD_S, Store
from concierge.sandbox.butlr.validation import boolean, number, numbers, point, string
from concierge.sandbox.clock import iso_z

MODES = ("activity", "headcount", "repeater")
# Reference silent/contradictory: Update Sensor's fields are unnamed; we allow these only.
WRITABLE = (
    "name",
    "mode",
    "room_id",
    "hive_id",
    "center",
    "coordinates",
    "height",
    "orientation",
    "activeHours",
    "isEntrance",
    "isEntrace",
    "door_line",
    "sensitivity",
    "parallel_to_door",
    "in_direction",
)
READ_ONLY = (
    "id",
    "mac_address",
    "hive",
    "room",
    "space",
    "space_id",
    "gateway",
    "gateway_id",
    "remainingBatteryPercent",
    "remainingBatteryDays",
    "isBatteryLow",
    "lastBatteryChange",
    "last_heartbeat",
    "PK",
    "SK",
    "entity_type",
    "client_id",
    "deleted_at",
    "generation",
    "model",
    "hive_serial",
    "autoCalibratedAt",
    "auto_calibration_start",
    "auto_calibration_end",
    "auto_calibration_person",
)


def apply_fields(store: Store, sensor: SensorRec, body: Mapping[str, Any]) -> None:
    """Validate every given field, then apply them all (nothing changes on a bad request)."""
    reject_unknown_keys(body, (*WRITABLE, *READ_ONLY), "sensor fields")
    changes: dict[str, Any] = {}
    if "name" in body:
        changes["name"] = string(body, "name", non_empty=False)
    if "mode" in body:
        if body["mode"] not in MODES:
            raise invalid(f"mode must be one of {MODES}")
        changes["mode"] = body["mode"]
    if "room_id" in body:
        room_id = string(body, "room_id", non_empty=False)
        if room_id:
            store.room_in_space_or_400(sensor.space_id, room_id)
        changes["room_id"] = room_id
    if "hive_id" in body:
        hive = store.hives.get(string(body, "hive_id"))
        if hive is None or not hive.active or hive.space_id != sensor.space_id:
            raise invalid("hive_id must be an active hive of the sensor's space")
        changes["hive_id"] = hive.id
    for key in ("center", "coordinates"):
        if key in body:
            changes["center"] = point(body, key)
    if "height" in body:
        changes["height"] = number(body, "height", minimum=0.5, maximum=20)
    if "orientation" in body:
        changes["orientation"] = numbers(body, "orientation", 3)
    if "activeHours" in body:
        hours = numbers(body, "activeHours", 7)
        if not all(0 <= h <= 24 for h in hours):
            raise invalid("activeHours are hours per weekday, 0 to 24")
        changes["active_hours"] = hours
    for key in ("isEntrance", "isEntrace"):
        if key in body:
            changes["is_entrance"] = boolean(body, key)
    if "parallel_to_door" in body:
        changes["parallel_to_door"] = boolean(body, "parallel_to_door")
    for key in ("door_line", "in_direction"):
        if key in body:
            changes[key] = number(body, key)
    if "sensitivity" in body:
        changes["sensitivity"] = number(body, "sensitivity", minimum=0, maximum=1)
    for attribute, value in changes.items():
        setattr(sensor, attribute, value)


def add_or_update_in_space(store: Store, space: SpaceRec, item: Mapping[str, Any]) -> None:
    """One `sensors[]` entry of Update Space: update a known sensor or add (re-add) one by MAC."""
    sensor = store.sensors.get(item["id"]) if isinstance(item.get("id"), str) else None
    if sensor is not None and sensor.active:
        if sensor.space_id != space.id:
            raise invalid(f"sensor {sensor.id} belongs to another space")
        apply_fields(store, sensor, item)
        return
    mac = ids.normalise_mac(string(item, "mac_address"))
    if mac is None:
        raise invalid("mac_address is not a MAC address")
    known = store.sensor_by_mac(mac)
    if known is not None and known.active:
        if known.space_id != space.id:
            raise invalid(f"sensor {mac} is installed in another space")
        apply_fields(store, known, item)
        return
    for key in ("hive_id", "room_id"):
        if key not in item:
            raise invalid(f"a new sensor needs {key}")
    sensor = known or SensorRec(
        id=ids.ksuid(store.rng, "sensor"),
        mac_address=mac,
        space_id=space.id,
        room_id="",
        hive_id="",
        seq=store.next_seq(),
        heartbeat_phase_s=store.rng.randrange(HEARTBEAT_PERIOD_S),
        last_battery_change=iso_z(store.clock.now()),
    )
    sensor.space_id = space.id
    apply_fields(store, sensor, item)
    sensor.active = True
    sensor.offline_since = None
    store.add(sensor)
