"""`POST /api/v3/reporting`: occupancy aggregated by filter, window and group_by.

The reference shows one request example and a statistics sample only. We take `filter` {start,
stop?, spaces?, rooms?} (id lists, or Butlr's newer `{"eq": [...]}`), `window` {every,
function}, `group_by` {order}. `data` nests one level per `order` key in order ("field" ->
"occupancy"); the leaf is the statistics block, or a time series `[{"time", "value"}]` when
"time" (which must come last) is in `order`. The sample answers the example request without a
space level; we always nest, or grouping could not be seen.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any

from aiohttp import web

from concierge.sandbox.butlr.errors import invalid, reject_unknown_keys
from concierge.sandbox.butlr.records import RoomRec
from concierge.sandbox.butlr.state import ButlrState, state_of
from concierge.sandbox.butlr.timespec import TimeRange, minute_range
from concierge.sandbox.butlr.validation import read_object
from concierge.sandbox.butlr.windows import (
    AGGREGATES,
    SELECTORS,
    as_number,
    parse_window,
    select,
    summary,
    windows,
)
from concierge.sandbox.clock import iso_z

MAX_RANGE_S = 31 * 86_400
# Reference silent/contradictory: no response-size limit given; ours keeps answers sane.
MAX_POINTS = 50_000
# Every room-minute is computed on request; this caps one call near a second of work.
MAX_ROOM_MINUTES = 1_000_000
FIELD = "occupancy"
ENTITY_KEYS = ("space_id", "room_id")
ORDER_KEYS = (*ENTITY_KEYS, "field", "time")

routes = web.RouteTableDef()


def _ids(filt: Mapping[str, Any], key: str) -> list[str] | None:
    raw = filt.get(key)
    if raw is None:
        return None
    if isinstance(raw, Mapping) and set(raw) == {"eq"}:
        raw = raw["eq"]
    if not isinstance(raw, list) or not raw or not all(isinstance(v, str) for v in raw):
        raise invalid(f"filter.{key} must be a non-empty list of ids")
    return list(raw)


# Reference silent/contradictory: filter keys are unnamed; we take `spaces`/`rooms` id lists.
def select_rooms(state: ButlrState, filt: Mapping[str, Any]) -> list[RoomRec]:
    """Rooms matching every given list (spaces AND rooms); unknown ids are a bad request."""
    spaces, rooms = _ids(filt, "spaces"), _ids(filt, "rooms")
    store = state.store
    for space_id in spaces or []:
        if space_id not in store.spaces:
            raise invalid(f"unknown space {space_id}")
    for room_id in rooms or []:
        if room_id not in store.rooms:
            raise invalid(f"unknown room {room_id}")
    return [
        r
        for r in store.all_rooms()
        if (spaces is None or r.space_id in spaces) and (rooms is None or r.id in rooms)
    ]


def _order(raw: object) -> list[str]:
    if raw is None:
        return ["field"]
    if not isinstance(raw, Mapping):
        raise invalid("group_by must be an object")
    reject_unknown_keys(raw, ("order",), "group_by keys")
    order = raw.get("order")
    if (
        not isinstance(order, list)
        or not all(k in ORDER_KEYS for k in order)
        or len(set(order)) != len(order)
        or "field" not in order
    ):
        raise invalid(f"group_by.order must list distinct keys of {ORDER_KEYS}, with field")
    if "time" in order and order[-1] != "time":
        raise invalid("time must be the last group_by key")
    return list(order)


def room_series(state: ButlrState, room: RoomRec, span: TimeRange) -> list[int]:
    space = state.store.spaces.get(room.space_id)
    return state.occupancy.series(
        room, space.timezone if space else "", span.start_min, span.minutes
    )


def _windowed(
    series: list[int], span: TimeRange, every_s: int, function: str
) -> list[tuple[int, float]]:
    """(time, value) per window: the chosen sample's time for selectors, else window start."""
    points: list[tuple[int, float]] = []
    for window_start, first, end in windows(span, every_s):
        offset, value = select([float(v) for v in series[first:end]], function)
        time_s = (span.start_min + first + offset) * 60 if offset >= 0 else window_start
        points.append((time_s, value))
    return points


def build_report(state: ButlrState, body: Mapping[str, Any]) -> dict[str, Any]:
    reject_unknown_keys(body, ("filter", "window", "group_by"), "reporting keys")
    filt = body.get("filter")
    if not isinstance(filt, Mapping):
        raise invalid("filter is required")
    reject_unknown_keys(filt, ("start", "stop", "spaces", "rooms"), "filter keys")
    span = minute_range(filt.get("start"), filt.get("stop"), state.clock.time(), max_s=MAX_RANGE_S)
    rooms = select_rooms(state, filt)
    if len(rooms) * span.minutes > MAX_ROOM_MINUTES:
        raise invalid("too much history at once: narrow the range or select fewer rooms")
    every_s, function = parse_window(
        body.get("window"), span, (*SELECTORS, *AGGREGATES), default=("1m", "last")
    )
    order = _order(body.get("group_by"))
    entity_keys = [k for k in order if k in ENTITY_KEYS]
    groups: dict[tuple[str, ...], list[RoomRec]] = {} if entity_keys else {(): []}
    for room in rooms:
        key = tuple(room.space_id if k == "space_id" else room.id for k in entity_keys)
        groups.setdefault(key, []).append(room)
    windows_count = -(-span.minutes * 60 // every_s) + 1
    if "time" in order and windows_count * len(groups) > MAX_POINTS:
        raise invalid("too many points: narrow the range, widen the window or select fewer rooms")

    data: dict[str, Any] = {}
    for key, members in groups.items():
        total = [0] * span.minutes
        for room in members:
            total = [a + b for a, b in zip(total, room_series(state, room, span), strict=True)]
        points = _windowed(total, span, every_s, function)
        leaf: Any
        if "time" in order:  # Reference silent/contradictory: no series shape; [{time, value}].
            leaf = [{"time": _iso(t), "value": as_number(v)} for t, v in points]
        else:
            leaf = summary([v for _, v in points])
        # Reference silent/contradictory: the sample has no space level; we nest every order key.
        labels = dict(zip(entity_keys, key, strict=True))
        path = [FIELD if k == "field" else labels[k] for k in order if k != "time"]
        node = data
        for part in path[:-1]:
            node = node.setdefault(part, {})
        node[path[-1]] = leaf
    return {"data": data}


def _iso(epoch_s: float) -> str:
    return iso_z(datetime.fromtimestamp(epoch_s, UTC))


@routes.post("/api/v3/reporting")
async def reporting(request: web.Request) -> web.Response:
    state = state_of(request)
    return web.json_response(build_report(state, await read_object(request)))
