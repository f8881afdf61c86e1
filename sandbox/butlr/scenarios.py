"""Butlr scenarios for the control API: fill a room, drain a battery, take a sensor offline."""

from __future__ import annotations

import random
from datetime import UTC, datetime
from typing import Any

from concierge.sandbox.butlr.errors import ButlrError
from concierge.sandbox.butlr.occupancy import Override
from concierge.sandbox.butlr.records import RoomRec, SensorRec
from concierge.sandbox.butlr.state import ButlrState
from concierge.sandbox.butlr.store import LOW_BATTERY_PERCENT
from concierge.sandbox.clock import iso_z
from concierge.sandbox.vendor import Scenario, ScenarioError


def _iso(epoch_s: float | None) -> str | None:
    return None if epoch_s is None else iso_z(datetime.fromtimestamp(epoch_s, UTC))


def _number(
    params: dict[str, Any],
    key: str,
    *,
    minimum: float,
    maximum: float | None = None,
    required: bool = True,
) -> float | None:
    value = params.get(key)
    if value is None and not required:
        return None
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise ScenarioError(f"`{key}` must be a number")
    if value < minimum:
        raise ScenarioError(f"`{key}` must be at least {minimum}")
    if maximum is not None and value > maximum:
        raise ScenarioError(f"`{key}` must be at most {maximum}")
    return float(value)


def _room(state: ButlrState, params: dict[str, Any]) -> RoomRec:
    room_id = params.get("room_id")
    room = state.store.rooms.get(room_id) if isinstance(room_id, str) else None
    if room is None:
        raise ScenarioError(f"`room_id` must name a Butlr room, got {room_id!r}")
    return room


def _sensor(state: ButlrState, params: dict[str, Any]) -> SensorRec:
    key = params.get("sensor_id")
    if not isinstance(key, str):
        raise ScenarioError("`sensor_id` (an id or a MAC address) is required")
    try:
        return state.store.sensor(key)
    except ButlrError as exc:
        raise ScenarioError(f"no active sensor {key!r}") from exc


def describe_override(override: Override, room: RoomRec | None) -> dict[str, Any]:
    return {
        "room_id": override.room_id,
        "space_id": room.space_id if room else None,
        "count": override.count,
        "capacity": room.capacity if room else None,
        "since": _iso(override.start_min * 60),
        "until": _iso(override.until),
    }


def sensor_health(state: ButlrState, sensor: SensorRec) -> dict[str, Any]:
    return {
        "sensor_id": sensor.id,
        "mac_address": sensor.mac_address,
        "room_id": sensor.room_id,
        "remainingBatteryPercent": sensor.battery_percent,
        "isBatteryLow": "true" if sensor.battery_percent < LOW_BATTERY_PERCENT else "false",
        "online": state.store.is_online(sensor),
        "last_heartbeat": state.store.last_heartbeat_ms(sensor),
    }


def build_scenarios(state: ButlrState) -> dict[str, Scenario]:
    async def occupancy(params: dict[str, Any]) -> dict[str, Any]:
        """`room_id`, `count`, optional `duration_s`: the room holds `count` people (bounded by
        its capacity) from this minute, back on its curve after `duration_s`."""
        room = _room(state, params)
        count = params.get("count")
        if isinstance(count, bool) or not isinstance(count, int) or count < 0:
            raise ScenarioError("`count` must be a non-negative integer")
        duration = _number(params, "duration_s", minimum=1, required=False)
        override = state.occupancy.set_override(room, count, state.clock.time(), duration)
        return {"requested": count, **describe_override(override, room)}

    async def occupancy_reset(params: dict[str, Any]) -> dict[str, Any]:
        """Optional `room_id`: put that room (or every room) back on its curve now."""
        room_id = _room(state, params).id if "room_id" in params else None
        return {"cleared": state.occupancy.clear(room_id, state.clock.time())}

    async def sensor_battery(params: dict[str, Any]) -> dict[str, Any]:
        """`sensor_id`, `percent`: set the remaining battery (below 20 % reads as low)."""
        sensor = _sensor(state, params)
        percent = _number(params, "percent", minimum=0, maximum=100)
        assert percent is not None  # required
        sensor.battery_percent = int(percent) if percent.is_integer() else percent
        return sensor_health(state, sensor)

    async def sensor_offline(params: dict[str, Any]) -> dict[str, Any]:
        """`sensor_id`, optional `offline` (default true): stop (or resume) heartbeats and
        detections; the room's occupancy is unaffected."""
        sensor = _sensor(state, params)
        offline = params.get("offline", True)
        if not isinstance(offline, bool):
            raise ScenarioError("`offline` must be a boolean")
        if offline and sensor.offline_since is None:
            sensor.offline_since = state.clock.time()
        elif not offline:
            sensor.offline_since = None
        return sensor_health(state, sensor)

    return {
        "occupancy": occupancy,
        "occupancy_reset": occupancy_reset,
        "sensor_battery": sensor_battery,
        "sensor_offline": sensor_offline,
    }


def nudge_random_room(state: ButlrState, rng: random.Random) -> Override | None:
    """Demo-mode drift: now and then one room gains or loses a person for a few minutes."""
    rooms = list(state.store.all_rooms())
    if not rooms or rng.random() > 0.2:
        return None
    room = rng.choice(rooms)
    now = state.clock.time()
    space = state.store.spaces.get(room.space_id)
    current = state.occupancy.at(room, space.timezone if space else "", int(now // 60))
    count = max(0, current + rng.choice((-1, 1, 2)))
    return state.occupancy.set_override(room, count, now, rng.uniform(120, 300))
