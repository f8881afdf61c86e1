"""The simulator's Butlr state: records, lookups that 404 in Butlr's shape, and life cycle."""

from __future__ import annotations

import random
from collections.abc import Iterator

from concierge.sandbox.butlr import ids
from concierge.sandbox.butlr.errors import ButlrError, invalid, not_found
from concierge.sandbox.butlr.records import (
    FixtureRec,
    HiveRec,
    RoomRec,
    SensorRec,
    SpaceRec,
    ZoneRec,
)
from concierge.sandbox.clock import Clock

HEARTBEAT_PERIOD_S = 300
LOW_BATTERY_PERCENT = 20
BATTERY_LIFE_DAYS = 365


class Store:
    def __init__(self, rng: random.Random, clock: Clock) -> None:
        self.clock = clock
        self.rng = rng
        self._seq = 0
        self.spaces: dict[str, SpaceRec] = {}
        self.hives: dict[str, HiveRec] = {}
        self.rooms: dict[str, RoomRec] = {}
        self.sensors: dict[str, SensorRec] = {}
        self.zones: dict[str, ZoneRec] = {}
        self.fixtures: dict[str, FixtureRec] = {}
        self.hive_deactivated_at: dict[str, float] = {}

    def next_seq(self) -> int:
        self._seq += 1
        return self._seq

    def add(self, record: SpaceRec | HiveRec | RoomRec | SensorRec | ZoneRec | FixtureRec) -> None:
        if isinstance(record, SpaceRec):
            self.spaces[record.id] = record
        elif isinstance(record, HiveRec):
            self.hives[record.id] = record
        elif isinstance(record, RoomRec):
            self.rooms[record.id] = record
        elif isinstance(record, SensorRec):
            self.sensors[record.id] = record
        elif isinstance(record, ZoneRec):
            self.zones[record.id] = record
        else:
            self.fixtures[record.id] = record

    # -- lookups (404 in Butlr's shape when absent) ---------------------------------------

    def space(self, space_id: str) -> SpaceRec:
        space = self.spaces.get(space_id)
        if space is None:
            raise not_found(f"space {space_id}")
        return space

    def room(self, space_id: str, room_id: str) -> RoomRec:
        self.space(space_id)
        room = self.rooms.get(room_id)
        if room is None or room.space_id != space_id:
            raise not_found(f"room {room_id} in space {space_id}")
        return room

    def hive(self, key: str) -> HiveRec:
        """An active hive by id or by the serial number printed on the device."""
        hive = self.hives.get(key)
        if hive is None:
            hive = next((h for h in self.hives.values() if h.serial_number == key.lower()), None)
        if hive is None or not hive.active:
            raise not_found(f"hive {key}")
        return hive

    def sensor(self, key: str) -> SensorRec:
        """An active sensor by id or MAC address (any case, `:` or `-`)."""
        sensor = self.sensors.get(key)
        if sensor is None:
            sensor = self.sensor_by_mac(key)
        if sensor is None or not sensor.active:
            raise not_found(f"sensor {key}")
        return sensor

    def sensor_by_mac(self, mac: str) -> SensorRec | None:
        normalised = ids.normalise_mac(mac)
        if normalised is None:
            return None
        return next((s for s in self.sensors.values() if s.mac_address == normalised), None)

    def zone(self, space_id: str, zone_id: str) -> ZoneRec:
        self.space(space_id)
        zone = self.zones.get(zone_id)
        if zone is None or zone.space_id != space_id:
            raise not_found(f"zone {zone_id} in space {space_id}")
        return zone

    def fixture(self, space_id: str, fixture_id: str) -> FixtureRec:
        self.space(space_id)
        fixture = self.fixtures.get(fixture_id)
        if fixture is None or fixture.space_id != space_id:
            raise not_found(f"fixture {fixture_id} in space {space_id}")
        return fixture

    def room_in_space_or_400(self, space_id: str, room_id: str) -> RoomRec:
        room = self.rooms.get(room_id)
        if room is None or room.space_id != space_id:
            raise invalid(f"room {room_id} is not a room of space {space_id}")
        return room

    # -- collections ----------------------------------------------------------------------

    def active_hives(self, space_id: str | None = None) -> list[HiveRec]:
        return [
            h
            for h in self.hives.values()
            if h.active and (space_id is None or h.space_id == space_id)
        ]

    def active_sensors(
        self, *, space_id: str | None = None, room_id: str | None = None, hive_id: str | None = None
    ) -> list[SensorRec]:
        return [
            s
            for s in self.sensors.values()
            if s.active
            and (space_id is None or s.space_id == space_id)
            and (room_id is None or s.room_id == room_id)
            and (hive_id is None or s.hive_id == hive_id)
        ]

    def rooms_in(self, space_id: str) -> list[RoomRec]:
        return [r for r in self.rooms.values() if r.space_id == space_id]

    def zones_in(self, space_id: str) -> list[ZoneRec]:
        return [z for z in self.zones.values() if z.space_id == space_id]

    def fixtures_in(self, space_id: str) -> list[FixtureRec]:
        return [f for f in self.fixtures.values() if f.space_id == space_id]

    def all_rooms(self) -> Iterator[RoomRec]:
        return iter(self.rooms.values())

    # -- sensor health --------------------------------------------------------------------

    def offline_since(self, sensor: SensorRec) -> float | None:
        """When the sensor stopped reaching Butlr (itself offline, or its hive deactivated)."""
        moments = [
            t
            for t in (sensor.offline_since, self.hive_deactivated_at.get(sensor.hive_id))
            if t is not None
        ]
        return min(moments) if moments else None

    def is_online(self, sensor: SensorRec) -> bool:
        return sensor.active and sensor.mode != "repeater" and self.offline_since(sensor) is None

    def last_heartbeat_ms(self, sensor: SensorRec) -> int:
        """Epoch ms of the last 5-minute heartbeat (frozen once the sensor went offline)."""
        moment = self.offline_since(sensor) or self.clock.time()
        phase = sensor.heartbeat_phase_s
        beat = (moment - phase) // HEARTBEAT_PERIOD_S * HEARTBEAT_PERIOD_S + phase
        return int(beat * 1000)

    # -- life cycle -----------------------------------------------------------------------

    def delete_space(self, space: SpaceRec) -> None:
        if self.active_hives(space.id) or self.active_sensors(space_id=space.id):
            # Reference silent/contradictory: delete semantics are undocumented; we refuse to
            # orphan live hardware: deactivate the space's hives and sensors first.
            raise ButlrError(400, "Invalid request", "space still has active hives or sensors")
        for table in (self.rooms, self.zones, self.fixtures):
            for key in [k for k, rec in table.items() if rec.space_id == space.id]:
                del table[key]
        del self.spaces[space.id]

    def delete_room(self, room: RoomRec) -> None:
        """Its sensors stay in the space, unplaced; its zones lose their room link."""
        for sensor in self.sensors.values():
            if sensor.room_id == room.id:
                sensor.room_id = ""
        for zone in self.zones.values():
            if zone.room_id == room.id:
                zone.room_id = ""
        del self.rooms[room.id]

    def deactivate_hive(self, hive: HiveRec) -> None:
        hive.active = False
        self.hive_deactivated_at[hive.id] = self.clock.time()

    def battery_days(self, sensor: SensorRec) -> int:
        return int(sensor.battery_percent * BATTERY_LIFE_DAYS / 100)
