"""Butlr place and device records, shaped like the vendor's JSON, with `from_json` parsers.

Parsers raise `VendorProtocolError` naming the field, never `KeyError`. Butlr prints a
resource differently by endpoint and by `details` (a sensor as a SensorRef or as Sensor
Details, a room with `space_id` or with `space {id, name}`): one record per resource, with
the fields only some shapes carry left None (or empty) when absent.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from connectors.butlr.fields import Fields

Point = tuple[float, float]


@dataclass(frozen=True)
class SpaceRef:
    """What Create Space answers, and what other records embed."""

    id: str
    name: str

    @classmethod
    def from_json(cls, data: object, where: str = "space") -> SpaceRef:
        f = Fields(data, where)
        return cls(id=f.text("id"), name=f.string("name"))


@dataclass(frozen=True)
class Sensor:
    """A SensorRef (lists, embeddings) or Sensor Details (`details=true`, `get_sensor`).

    The fields after `center` are only in Sensor Details; repeater sensors have no traffic
    fields (`door_line`...) at all. `room_id` is None for a sensor whose room was deleted.
    """

    id: str
    mac_address: str
    name: str
    mode: str  # activity | headcount | repeater (kept open: the vendor may add modes)
    is_entrance: bool
    hive_id: str | None
    hive_serial_number: str | None
    room_id: str | None
    space_id: str | None
    height: float
    center: Point
    space_name: str | None = None
    orientation: tuple[float, ...] | None = None  # yaw, pitch, roll in degrees
    active_hours: tuple[float, ...] | None = None  # hours a day, Sunday first
    door_line: float | None = None
    sensitivity: float | None = None
    parallel_to_door: bool | None = None
    in_direction: float | None = None
    battery_percent: float | None = None
    battery_days: float | None = None
    battery_low: bool | None = None
    last_battery_change: datetime | None = None
    last_heartbeat: datetime | None = None

    @property
    def collects_data(self) -> bool:
        return self.mode != "repeater"  # "a repeater does not collect data"

    @classmethod
    def from_json(cls, data: object, where: str = "sensor") -> Sensor:
        f = Fields(data, where)
        hive, room, space = f.opt_nested("hive"), f.opt_nested("room"), f.opt_nested("space")
        # Reference contradictory: the schema says `isEntrace` and `coordinates`, the samples
        # `isEntrance` and `center`; either is read.
        entrance = "isEntrance" if f.has("isEntrance") else "isEntrace"
        spot = "center" if f.has("center") else "coordinates"
        return cls(
            id=f.text("id"),
            mac_address=f.text("mac_address"),
            name=f.string("name"),
            mode=f.text("mode"),
            is_entrance=bool(f.opt_boolean(entrance)),
            hive_id=hive.opt_text("id") if hive else f.opt_text("hive_id"),
            hive_serial_number=hive.opt_text("serial_number") if hive else None,
            room_id=room.opt_text("id") if room else f.opt_text("room_id"),
            space_id=_space_id(f, room, space),
            height=f.number("height"),
            center=f.point(spot),
            space_name=space.opt_text("name") if space else None,
            orientation=f.opt_numbers("orientation", 3),
            active_hours=f.opt_numbers("activeHours", 7),
            door_line=f.opt_number("door_line"),
            sensitivity=f.opt_number("sensitivity"),
            parallel_to_door=f.opt_boolean("parallel_to_door"),
            in_direction=f.opt_number("in_direction"),
            battery_percent=f.opt_number("remainingBatteryPercent"),
            battery_days=f.opt_number("remainingBatteryDays"),
            battery_low=f.opt_flag_text("isBatteryLow"),
            last_battery_change=f.opt_instant("lastBatteryChange"),
            last_heartbeat=f.opt_epoch_ms("last_heartbeat"),
        )


def _space_id(f: Fields, room: Fields | None, space: Fields | None) -> str | None:
    if space is not None:
        return space.opt_text("id")
    if room is not None and room.has("space_id"):
        return room.opt_text("space_id")
    return f.opt_text("space_id")


@dataclass(frozen=True)
class Room:
    """A room as List Rooms, Room Details or a space prints it.

    `sensors` is empty where the shape does not embed them (List Rooms without
    `details`); `height` only comes with `details` or from Create Room.
    """

    id: str
    space_id: str
    name: str
    type: str  # a room-type key, though the vendor's own samples use unlisted ones
    coordinates: tuple[Point, ...]
    color: tuple[int, ...]
    capacity: float
    mid_capacity: float
    max_capacity: float
    area: float
    height: float | None = None
    space_name: str | None = None
    sensors: tuple[Sensor, ...] = ()

    @classmethod
    def from_json(cls, data: object, where: str = "room") -> Room:
        f = Fields(data, where)
        space = f.opt_nested("space")
        space_id = space.text("id") if space is not None else f.text("space_id")
        return cls(
            id=f.text("id"),
            space_id=space_id,
            name=f.string("name"),
            type=f.string("type"),
            coordinates=f.polygon("coordinates"),
            color=f.integers("color") if f.has("color") else (),
            capacity=f.opt_number("capacity") or 0.0,
            mid_capacity=f.opt_number("mid_capacity") or 0.0,
            max_capacity=f.opt_number("maxCapacity") or 0.0,
            area=f.opt_number("area") or 0.0,
            height=f.opt_number("height"),
            space_name=space.opt_text("name") if space is not None else None,
            sensors=tuple(Sensor.from_json(s.data, s.where) for s in f.objects("sensors")),
        )


@dataclass(frozen=True)
class Hive:
    """A base station: HiveRef in lists and spaces, Hive Details from `get_hive`."""

    id: str
    serial_number: str
    num_sensors: int | None = None
    space_id: str | None = None
    space_name: str | None = None
    sensors: tuple[Sensor, ...] = ()

    @classmethod
    def from_json(cls, data: object, where: str = "hive") -> Hive:
        f = Fields(data, where)
        space = f.opt_nested("space")
        sensors = tuple(Sensor.from_json(s.data, s.where) for s in f.objects("sensors"))
        count = f.opt_integer("num_sensors")
        return cls(
            id=f.text("id"),
            serial_number=f.string("serial_number"),
            num_sensors=count if count is not None or not f.has("sensors") else len(sensors),
            space_id=space.opt_text("id") if space is not None else None,
            space_name=space.opt_text("name") if space is not None else None,
            sensors=sensors,
        )


@dataclass(frozen=True)
class Space:
    """A space (one floor plan: rooms, sensors and hives share its coordinates)."""

    id: str
    name: str
    address: str | None
    timezone: str | None  # an IANA name, or None when the vendor has ""
    installation_date: date | None
    capacity: float
    mid_capacity: float
    area: float
    rooms: tuple[Room, ...]
    sensors: tuple[Sensor, ...]
    hives: tuple[Hive, ...]

    @classmethod
    def from_json(cls, data: object, where: str = "space") -> Space:
        f = Fields(data, where)
        return cls(
            id=f.text("id"),
            name=f.string("name"),
            address=f.opt_text("address"),
            timezone=f.opt_text("timezone"),
            installation_date=f.opt_date("installation_date"),
            capacity=f.opt_number("capacity") or 0.0,
            mid_capacity=f.opt_number("mid_capacity") or 0.0,
            area=f.opt_number("area") or 0.0,
            rooms=tuple(Room.from_json(r.data, r.where) for r in f.objects("rooms")),
            sensors=tuple(Sensor.from_json(s.data, s.where) for s in f.objects("sensors")),
            hives=tuple(Hive.from_json(h.data, h.where) for h in f.objects("hives")),
        )


@dataclass(frozen=True)
class Zone:
    """An area inside a space (optionally inside a room); `coordinates` are flat x, y ints."""

    id: str
    space_id: str
    room_id: str | None
    name: str
    type: str | None
    color: tuple[int, ...]
    coordinates: tuple[int, ...]
    area: float
    area_unit: str | None
    capacity: float
    mid_capacity: float

    @classmethod
    def from_json(cls, data: object, where: str = "zone") -> Zone:
        f = Fields(data, where)
        return cls(
            id=f.text("id"),
            space_id=f.text("space_id"),
            room_id=f.opt_text("room_id"),
            name=f.string("name"),
            type=f.opt_text("type"),
            color=f.integers("color") if f.has("color") else (),
            coordinates=f.integers("coordinates") if f.has("coordinates") else (),
            area=f.opt_number("area") or 0.0,
            area_unit=f.opt_text("area_unit"),
            capacity=f.opt_number("capacity") or 0.0,
            mid_capacity=f.opt_number("mid_capacity") or 0.0,
        )


@dataclass(frozen=True)
class RoomType:
    """A room-type key and its display name (verbatim: some names end in a space)."""

    key: str
    name: str

    @classmethod
    def from_json(cls, data: object, where: str = "room_type") -> RoomType:
        f = Fields(data, where)
        return cls(key=f.text("key"), name=f.string("name"))
