"""Butlr's JSON shapes, field for field as the reference's samples print them."""

from __future__ import annotations

from typing import Any

from concierge.sandbox.butlr.records import (
    FixtureRec,
    HiveRec,
    RoomRec,
    SensorRec,
    SpaceRec,
    ZoneRec,
)
from concierge.sandbox.butlr.store import LOW_BATTERY_PERCENT, Store

Json = dict[str, Any]
EMPTY_GATEWAY = {"id": "", "mac_address": ""}
TRAFFIC_FIELDS = ("door_line", "sensitivity", "parallel_to_door", "in_direction")


def num(value: float) -> float | int:
    """Whole numbers print as integers (`"height": 3`), like every sample."""
    return int(value) if float(value).is_integer() else value


def nums(values: list[float]) -> list[float | int]:
    return [num(v) for v in values]


def space_ref(store: Store, space_id: str) -> Json:
    space = store.spaces.get(space_id)
    return {"id": space_id, "name": space.name if space else ""}


def hive_ref(store: Store, hive_id: str) -> Json:
    hive = store.hives.get(hive_id)
    return {"id": hive_id, "serial_number": hive.serial_number if hive else ""}


def sensor_ref(store: Store, sensor: SensorRec) -> Json:
    """SensorRef, as List Sensors and every embedding print it."""
    return {
        "id": sensor.id,
        "mac_address": sensor.mac_address,
        "name": sensor.name,
        "mode": sensor.mode,
        "isEntrance": sensor.is_entrance,
        "hive": hive_ref(store, sensor.hive_id),
        "room": {"id": sensor.room_id, "space_id": sensor.space_id},
        "gateway_id": "",
        "height": num(sensor.height),
        "center": nums(sensor.center),
    }


def sensor_details(store: Store, sensor: SensorRec) -> Json:
    """Sensor Details, plus the battery and heartbeat fields the Update Space sample shows.

    Battery fields come from the Update Space sample, where `isBatteryLow` is a string.
    """
    # Reference silent/contradictory: schema says `coordinates`, sample `center`; we print both.
    body: Json = {
        "id": sensor.id,
        "mac_address": sensor.mac_address,
        "name": sensor.name,
        "mode": sensor.mode,
        "isEntrance": sensor.is_entrance,
        "hive": hive_ref(store, sensor.hive_id),
        "space": space_ref(store, sensor.space_id),
        "room": {"id": sensor.room_id, "space_id": sensor.space_id},
        "orientation": nums(sensor.orientation),
        "height": num(sensor.height),
        "center": nums(sensor.center),
        "coordinates": nums(sensor.center),
        "gateway": dict(EMPTY_GATEWAY),
        "activeHours": nums(sensor.active_hours),
        "door_line": num(sensor.door_line),
        "sensitivity": num(sensor.sensitivity),
        "parallel_to_door": sensor.parallel_to_door,
        "in_direction": num(sensor.in_direction),
        "remainingBatteryPercent": num(sensor.battery_percent),
        "remainingBatteryDays": store.battery_days(sensor),
        # Reference silent/contradictory: isBatteryLow is typed string; we print "true"/"false".
        "isBatteryLow": "true" if sensor.battery_percent < LOW_BATTERY_PERCENT else "false",
        "lastBatteryChange": sensor.last_battery_change,
        "last_heartbeat": store.last_heartbeat_ms(sensor),
    }
    if sensor.mode == "repeater":  # "Does not apply to repeater sensors"
        for key in TRAFFIC_FIELDS:
            del body[key]
    return body


def sensor_doc(store: Store, sensor: SensorRec, details: bool) -> Json:
    return sensor_details(store, sensor) if details else sensor_ref(store, sensor)


def hive_item(store: Store, hive: HiveRec) -> Json:
    """HiveRef as List Hives and spaces embed it."""
    return {
        "id": hive.id,
        "serial_number": hive.serial_number,
        "num_sensors": len(store.active_sensors(hive_id=hive.id)),
    }


def hive_details(store: Store, hive: HiveRec) -> Json:
    return {
        "id": hive.id,
        "serial_number": hive.serial_number,
        "sensors": [sensor_ref(store, s) for s in store.active_sensors(hive_id=hive.id)],
        "gateways": [{**EMPTY_GATEWAY, "num_sensors": 0}],
        "space": space_ref(store, hive.space_id),
        # Reference silent/contradictory: MqttInfo is undocumented; we print the sample's
        # empty block.
        "mqtt": {"rc": 0, "topics": {}, "broker_address": "", "auth": {}},
    }


def _room_core(room: RoomRec) -> Json:
    return {
        "id": room.id,
        "type": room.type,
        "coordinates": [nums(c) for c in room.coordinates],
        "color": list(room.color),
        "space_id": room.space_id,
        "name": room.name,
        "maxCapacity": num(room.max_capacity),
        "area": num(room.area),
        "capacity": num(room.capacity),
        "mid_capacity": num(room.mid_capacity),
    }


def _traffic(room: RoomRec) -> Json:
    return {
        "door_line": num(room.door_line),
        "parallel_to_door": num(room.parallel_to_door),
        "in_direction": num(room.in_direction),
        "sensitivity": num(room.sensitivity),
    }


def room_item(store: Store, room: RoomRec, details: bool) -> Json:
    """A List Rooms item; `details=true` adds height, space and the room's sensors."""
    body = _room_core(room)
    if details:
        body.update(
            height=num(room.height),
            space=space_ref(store, room.space_id),
            sensors=[sensor_ref(store, s) for s in store.active_sensors(room_id=room.id)],
        )
    return body


def room_in_space(store: Store, room: RoomRec, details: bool) -> Json:
    """A room as List Spaces / Space Details embed it (with the traffic fields)."""
    body = {**_room_core(room), **_traffic(room)}
    if details:
        body["sensors"] = [sensor_ref(store, s) for s in store.active_sensors(room_id=room.id)]
    return body


def room_details(store: Store, room: RoomRec, details: bool) -> Json:
    """Room Details (also the Update Room answer): sensors always embedded."""
    sensors = store.active_sensors(room_id=room.id)
    body: Json = {
        "id": room.id,
        "type": room.type,
        "name": room.name,
        "coordinates": [nums(c) for c in room.coordinates],
        "sensors": [sensor_doc(store, s, details) for s in sensors],
        "color": list(room.color),
        "space": space_ref(store, room.space_id),
        "maxCapacity": num(room.max_capacity),
        "area": num(room.area),
        "capacity": num(room.capacity),
        "mid_capacity": num(room.mid_capacity),
    }
    if details:
        body["height"] = num(room.height)
    return body


def room_created(store: Store, room: RoomRec) -> Json:
    """One item of the Create Room answer."""
    body = room_details(store, room, details=False)
    body.update(_traffic(room))
    return body


def space_doc(store: Store, space: SpaceRec, details: bool) -> Json:
    """A List Spaces item / Space Details; `details=true` prints sensors in full and rooms'
    sensors (the shape of the Update Space sample, without its internal storage keys)."""
    return {
        "id": space.id,
        "name": space.name,
        "address": space.address,
        "capacity": num(space.capacity),
        "mid_capacity": num(space.mid_capacity),
        "area": num(space.area),
        "timezone": space.timezone,
        "installation_date": space.installation_date,
        "sensors": [sensor_doc(store, s, details) for s in store.active_sensors(space_id=space.id)],
        "hives": [hive_item(store, h) for h in store.active_hives(space.id)],
        "rooms": [room_in_space(store, r, details) for r in store.rooms_in(space.id)],
        "gateways": [dict(EMPTY_GATEWAY)],
    }


def zone_doc(zone: ZoneRec) -> Json:
    return {
        "id": zone.id,
        "type": zone.type,
        "name": zone.name,
        "color": list(zone.color),
        "coordinates": list(zone.coordinates),
        "space_id": zone.space_id,
        "area": zone.area,
        "area_unit": zone.area_unit,
        "capacity": zone.capacity,
        "mid_capacity": zone.mid_capacity,
        "room_id": zone.room_id,
    }


def fixture_doc(fixture: FixtureRec) -> Json:
    return {
        "id": fixture.id,
        "type": fixture.type,
        "center": nums(fixture.center),
        "rotation": num(fixture.rotation),
        "scale": nums(fixture.scale),
    }
