"""Sensors and hives: `/api/v2/sensors[/{id|mac}]`, `/api/v2/hives[/{id|serial}]`.

Neither list takes a filter (the reference documents `details` only), so batched lookups
walk the one account-wide list once and filter here: 120 sensors cost two requests,
whatever number of rooms a dataloader asks about.
"""

from __future__ import annotations

from collections.abc import AsyncGenerator, Iterable, Sequence
from typing import Any

from connectors.butlr.api import UNSET, ApiBase, Unset, details_param, given, segment
from connectors.butlr.fields import Fields, normalise_mac, protocol_error
from connectors.butlr.models import Hive, Sensor

Point = tuple[float, float]


def sensor_key(sensor_id_or_mac: str) -> str:
    """A sensor id as given, or a MAC in the form Butlr prints (lower case, dashes)."""
    return normalise_mac(sensor_id_or_mac) or sensor_id_or_mac.strip()


def _matches(sensor: Sensor, keys: set[str]) -> bool:
    return sensor.id in keys or sensor.mac_address.lower() in keys


class DevicesApi(ApiBase):
    # -- sensors ---------------------------------------------------------------------------

    def iter_sensors(self, *, details: bool = False) -> AsyncGenerator[Sensor, None]:
        return self._walk("/api/v2/sensors", Sensor.from_json, "sensors", details_param(details))

    async def list_sensors(
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
            async for sensor in self.iter_sensors(details=details)
            if (keys is None or _matches(sensor, keys))
            and (rooms is None or sensor.room_id in rooms)
            and (spaces is None or sensor.space_id in spaces)
            and (hives is None or sensor.hive_id in hives)
        ]

    async def get_sensor(self, sensor_id_or_mac: str) -> Sensor:
        """Sensor Details by id or by MAC address (any case, `:` or `-`, 6 or 8 octets)."""
        return await self._one(
            "GET",
            f"/api/v2/sensors/{segment(sensor_key(sensor_id_or_mac))}",
            Sensor.from_json,
            "sensor",
        )

    async def update_sensor(
        self,
        sensor_id_or_mac: str,
        *,
        name: str | Unset = UNSET,
        mode: str | Unset = UNSET,
        room_id: str | Unset | None = UNSET,
        is_entrance: bool | Unset = UNSET,
        height: float | Unset = UNSET,
        center: Point | Unset = UNSET,
        orientation: Sequence[float] | Unset = UNSET,
        active_hours: Sequence[float] | Unset = UNSET,
        sensitivity: float | Unset = UNSET,
    ) -> Sensor:
        """Change a sensor's name, placement or configuration; `room_id=None` unplaces it.

        Answers the SensorRef (the vendor wraps it in `{"data": [...]}`).
        """
        changes: dict[str, Any] = given(
            name=name, mode=mode, height=height, sensitivity=sensitivity
        )
        if not isinstance(room_id, Unset):
            changes["room_id"] = room_id or ""
        if not isinstance(is_entrance, Unset):
            changes["isEntrance"] = is_entrance
        for key, value in (
            ("center", center),
            ("orientation", orientation),
            ("activeHours", active_hours),
        ):
            if not isinstance(value, Unset):
                changes[key] = list(value)
        path = f"/api/v2/sensors/{segment(sensor_key(sensor_id_or_mac))}"
        # Fixed values: a resend changes nothing.
        response = await self._send("PATCH", path, json_body=changes, idempotent=True)
        data = Fields(response.body, "sensor update").data.get("data")
        if not isinstance(data, list) or len(data) != 1:
            raise protocol_error("sensor update", "field 'data' should hold one sensor")
        return Sensor.from_json(data[0], "sensor update.data[0]")

    # -- hives -----------------------------------------------------------------------------

    def iter_hives(self, *, details: bool = False) -> AsyncGenerator[Hive, None]:
        return self._walk("/api/v2/hives", Hive.from_json, "hives", details_param(details))

    async def list_hives(
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
            async for hive in self.iter_hives(details=details or spaces is not None)
            if (keys is None or hive.id in keys or hive.serial_number in keys)
            and (spaces is None or hive.space_id in spaces)
        ]

    async def get_hive(self, hive_id_or_serial: str) -> Hive:
        """Hive Details (its sensors and space) by id or by the serial printed on it."""
        return await self._one(
            "GET", f"/api/v2/hives/{segment(hive_id_or_serial.strip())}", Hive.from_json, "hive"
        )
