"""Sensors and hives: `/api/v2/sensors[/{id|mac}]`, `/api/v2/hives[/{id|serial}]`. The
records, `client.sensors` and `client.hives`.

Neither list takes a filter (the reference documents `details` only), so batched lookups
walk the one account-wide list once and filter here: 120 sensors cost two requests,
whatever number of rooms a dataloader asks about.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from concierge.connectors.butlr.core import Resource, details_param, segment
from concierge.connectors.butlr.fields import Fields, normalise_mac

Point = tuple[float, float]


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


def sensor_key(sensor_id_or_mac: str) -> str:
    """A sensor id as given, or a MAC in the form Butlr prints (lower case, dashes)."""
    return normalise_mac(sensor_id_or_mac) or sensor_id_or_mac.strip()


def _matches(sensor: Sensor, keys: set[str]) -> bool:
    return sensor.id in keys or sensor.mac_address.lower() in keys


class Sensors(Resource):
    async def list(
        self,
        *,
        ids: Iterable[str] | None = None,
        room_ids: Iterable[str] | None = None,
        space_ids: Iterable[str] | None = None,
        hive_ids: Iterable[str] | None = None,
        details: bool = False,
    ) -> list[Sensor]:
        """Active sensors, filtered (here: the vendor has no filter) by any of the given
        lists, which combine with AND. `ids` take sensor ids or MAC addresses; `details`
        adds battery, heartbeat and traffic configuration."""
        keys = None if ids is None else {sensor_key(i) for i in ids}
        rooms = None if room_ids is None else set(room_ids)
        spaces = None if space_ids is None else set(space_ids)
        hives = None if hive_ids is None else set(hive_ids)
        return [
            sensor
            async for sensor in self._core.walk(
                "/api/v2/sensors", Sensor.from_json, "sensors", details_param(details)
            )
            if (keys is None or _matches(sensor, keys))
            and (rooms is None or sensor.room_id in rooms)
            and (spaces is None or sensor.space_id in spaces)
            and (hives is None or sensor.hive_id in hives)
        ]

    async def get(self, sensor_id_or_mac: str) -> Sensor:
        """Sensor Details by id or by MAC address (any case, `:` or `-`, 6 or 8 octets)."""
        return await self._core.one(
            "GET",
            f"/api/v2/sensors/{segment(sensor_key(sensor_id_or_mac))}",
            Sensor.from_json,
            "sensor",
        )


class Hives(Resource):
    async def list(
        self,
        *,
        ids: Iterable[str] | None = None,
        space_ids: Iterable[str] | None = None,
        details: bool = False,
    ) -> list[Hive]:
        """Active hives, optionally only `ids` (ids or serial numbers) or those of `space_ids`
        (which needs `details`: only Hive Details name the space, so it is implied)."""
        keys = None if ids is None else {i.strip() for i in ids}
        spaces = None if space_ids is None else set(space_ids)
        return [
            hive
            async for hive in self._core.walk(
                "/api/v2/hives",
                Hive.from_json,
                "hives",
                details_param(details or spaces is not None),
            )
            if (keys is None or hive.id in keys or hive.serial_number in keys)
            and (spaces is None or hive.space_id in spaces)
        ]

    async def get(self, hive_id_or_serial: str) -> Hive:
        """Hive Details (its sensors and space) by id or by the serial printed on it."""
        return await self._core.one(
            "GET", f"/api/v2/hives/{segment(hive_id_or_serial.strip())}", Hive.from_json, "hive"
        )
