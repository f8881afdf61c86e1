"""`POST /api/v3/detections`: per-sensor detection points consistent with room occupancy.

At every minute a room's people are dealt round-robin to its online, data-collecting sensors,
each at a hashed position, so the points of a room's sensors add up to its occupancy.

`detections_world` entries carry points in floor-plan coordinates around the sensor and
`heatmap` entries an 8x8 grid of detection counts over the window. `window.function` picks the
sample within a window: first | last (default) | max | min (most or fewest people).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from aiohttp import web

from concierge.sandbox.butlr.errors import invalid, reject_unknown_keys
from concierge.sandbox.butlr.occupancy import stream_of, unit
from concierge.sandbox.butlr.records import SensorRec
from concierge.sandbox.butlr.reporting import room_series
from concierge.sandbox.butlr.state import ButlrState, state_of
from concierge.sandbox.butlr.timespec import TimeRange, minute_range
from concierge.sandbox.butlr.validation import boolean, read_object, string, string_list
from concierge.sandbox.butlr.windows import SELECTORS, parse_window, windows

DATA_TYPES = ("detections_local", "detections_world", "heatmap")
MAX_RANGE_S = (
    86_400  # Reference silent/contradictory: no maximum range given; one day keeps answers small.
)
MAX_ENTRIES = 20_000
FOOTPRINT_PER_M = 1.2  # metres of floor seen per metre of mounting height
GRID = 8

routes = web.RouteTableDef()
Point = list[float]


def _sensors(state: ButlrState, filt: Mapping[str, Any]) -> list[SensorRec]:
    store = state.store
    sensors = [s for s in store.active_sensors() if s.mode != "repeater"]
    if "space_id" in filt:
        space_id = string(filt, "space_id")
        if space_id not in store.spaces:
            raise invalid(f"unknown space {space_id}")
        sensors = [s for s in sensors if s.space_id == space_id]
    if "room_id" in filt:
        room_id = string(filt, "room_id")
        if room_id not in store.rooms:
            raise invalid(f"unknown room {room_id}")
        sensors = [s for s in sensors if s.room_id == room_id]
    if "mac_addresses" in filt:
        wanted: set[str] = set()
        for mac in string_list(filt, "mac_addresses"):
            sensor = store.sensor_by_mac(mac)
            if sensor is None or not sensor.active:
                raise invalid(f"unknown sensor {mac}")
            wanted.add(sensor.mac_address)
        sensors = [s for s in sensors if s.mac_address in wanted]
    return sensors


class _RoomPeople:
    """Who each sensor of one room sees, minute by minute."""

    def __init__(self, state: ButlrState, room_id: str, span: TimeRange) -> None:
        self.span = span
        self.room_id = room_id
        room = state.store.rooms.get(room_id)
        self.series = room_series(state, room, span) if room else [0] * span.minutes
        seeing = [
            s for s in state.store.active_sensors(room_id=room_id) if state.store.is_online(s)
        ]
        self.slots = {s.id: (i, len(seeing)) for i, s in enumerate(seeing)}
        self.x_stream = stream_of(state.seed, room_id, "x")
        self.y_stream = stream_of(state.seed, room_id, "y")
        self.t_stream = stream_of(state.seed, room_id, "t")

    def points(self, sensor_id: str, index: int) -> list[Point]:
        slot = self.slots.get(sensor_id)
        if slot is None:
            return []
        position, seeing = slot
        minute = self.span.start_min + index
        return [
            [
                0.05 + 0.9 * unit(self.x_stream, minute * 4096 + person),
                0.05 + 0.9 * unit(self.y_stream, minute * 4096 + person),
            ]
            for person in range(position, self.series[index], seeing)
        ]

    def sample_ms(self, index: int) -> int:
        minute = self.span.start_min + index
        return minute * 60_000 + int(unit(self.t_stream, minute) * 1000)


def _entry_value(kind: str, sensor: SensorRec, points: list[Point]) -> Any:
    # Reference silent/contradictory: only detections_local is shown; world/heatmap reuse its entry.
    if kind == "detections_local":
        return points
    if kind == "detections_world":
        side = FOOTPRINT_PER_M * sensor.height
        return [
            [
                round(sensor.center[0] + (x - 0.5) * side, 3),
                round(sensor.center[1] + (y - 0.5) * side, 3),
            ]
            for x, y in points
        ]
    grid = [[0] * GRID for _ in range(GRID)]
    for x, y in points:
        grid[min(GRID - 1, int(y * GRID))][min(GRID - 1, int(x * GRID))] += 1
    return grid


def build_detections(state: ButlrState, body: Mapping[str, Any]) -> dict[str, Any]:
    reject_unknown_keys(body, ("data_types", "filter", "window"), "detections keys")
    kinds = list(dict.fromkeys(string_list(body, "data_types")))
    if not kinds or any(k not in DATA_TYPES for k in kinds):
        raise invalid(f"data_types must list some of {DATA_TYPES}")
    filt = body.get("filter")
    if not isinstance(filt, Mapping):
        raise invalid("filter is required")
    reject_unknown_keys(
        filt,
        ("start", "stop", "omit_empty_value", "space_id", "room_id", "mac_addresses"),
        "filter keys",
    )
    span = minute_range(filt.get("start"), filt.get("stop"), state.clock.time(), max_s=MAX_RANGE_S)
    omit_empty = boolean(filt, "omit_empty_value") if "omit_empty_value" in filt else False
    sensors = _sensors(state, filt)
    # Reference silent/contradictory: detection window functions are unnamed; we take selectors.
    every_s, function = parse_window(body.get("window"), span, SELECTORS, default=("1m", "last"))
    spans = list(windows(span, every_s))
    if len(spans) * len(sensors) * len(kinds) > MAX_ENTRIES:
        raise invalid("too many entries: narrow the range, widen the window or pick sensors")

    rooms = {s.room_id: _RoomPeople(state, s.room_id, span) for s in sensors}
    result: dict[str, list[dict[str, Any]]] = {kind: [] for kind in kinds}
    for window_start, first, end in spans:
        for sensor in sensors:
            people = rooms[sensor.room_id]
            seen = [people.points(sensor.id, i) for i in range(first, end)]
            chosen, _ = _pick(seen, function)
            for kind in kinds:
                points = (
                    [p for minute in seen for p in minute] if kind == "heatmap" else seen[chosen]
                )
                if omit_empty and not points:
                    continue
                sample = end - 1 if kind == "heatmap" else first + chosen
                result[kind].append(
                    {
                        "start_time": window_start * 1000,
                        "sample_time": people.sample_ms(sample),
                        "mac_address": sensor.mac_address,
                        "value": _entry_value(kind, sensor, points),
                    }
                )
    return result


def _pick(seen: list[list[Point]], function: str) -> tuple[int, int]:
    counts = [len(points) for points in seen]
    if function == "first":
        return 0, counts[0]
    if function == "last":
        return len(counts) - 1, counts[-1]
    chosen = max(counts) if function == "max" else min(counts)
    return counts.index(chosen), chosen


@routes.post("/api/v3/detections")
async def detections(request: web.Request) -> web.Response:
    state = state_of(request)
    return web.json_response(build_detections(state, await read_object(request)))
