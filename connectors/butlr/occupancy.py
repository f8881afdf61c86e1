"""Occupancy: `POST /api/v3/reporting` (counts per room or space) and `/api/v3/detections`.

Both are POSTs that only read, so they are sent with `idempotent=True` and retried like
GETs. Times are Flux-like: a `timedelta` goes out as a relative time (`-30m`: that long
ago), an aware `datetime` as RFC 3339 in UTC. The vendor's clock decides what "now" is,
which is why relative times are preferred for recent data.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, datetime, timedelta
from typing import Any, Literal

from connectors.butlr.api import ApiBase, unique
from connectors.butlr.devices import sensor_key
from connectors.butlr.occupancy_models import (
    Detection,
    OccupancyPoint,
    OccupancySummary,
    RoomOccupancy,
    parse_detections,
    parse_series,
    parse_summaries,
)

Instant = datetime | timedelta  # a timedelta means "that long before now"
Duration = timedelta | str  # a timedelta, or a Flux duration string such as "5m"
Per = Literal["room", "space"]
# Reference silent: no function list; these are the sandbox's (selectors, then aggregates).
FUNCTIONS = ("last", "first", "max", "min", "mean", "sum", "count", "median")
DETECTION_TYPES = ("detections_local", "detections_world", "heatmap")
REPORTING = "/api/v3/reporting"
DETECTIONS = "/api/v3/detections"


def duration(value: Duration, name: str) -> str:
    """`5m`, `90s`: whole minutes where possible (Butlr samples once a minute)."""
    if isinstance(value, str):
        if not value.strip():
            raise ValueError(f"butlr {name} must not be empty")
        return value.strip()
    seconds = value.total_seconds()
    if seconds <= 0 or not seconds.is_integer():
        raise ValueError(f"butlr {name} must be a positive whole number of seconds")
    whole = int(seconds)
    return f"{whole // 60}m" if whole % 60 == 0 else f"{whole}s"


def instant(value: Instant, name: str) -> str:
    if isinstance(value, timedelta):
        return f"-{duration(value, name)}"
    if value.tzinfo is None:
        raise ValueError(f"butlr {name} must be timezone-aware (the vendor needs an offset)")
    return value.astimezone(UTC).isoformat().replace("+00:00", "Z")


def _function(value: str) -> str:
    if value not in FUNCTIONS:
        raise ValueError(f"butlr function must be one of {', '.join(FUNCTIONS)}")
    return value


class OccupancyApi(ApiBase):
    async def get_current_occupancy(
        self,
        *,
        room_ids: Iterable[str] | None = None,
        space_ids: Iterable[str] | None = None,
    ) -> dict[str, RoomOccupancy]:
        """How many people each room holds now, with the minute the count is from.

        ONE reporting call for every room asked about: the `last` sample of each room over
        the last few minutes (`occupancy_lookback`). `room_ids` and `space_ids` combine with
        AND; neither means every room of the account. A room with no recent sample is left
        out of the answer. An unknown id makes the vendor refuse the whole call (400).
        """
        lookback = duration(self.occupancy_lookback, "occupancy_lookback")
        series = await self._report(
            room_ids,
            space_ids,
            start=f"-{lookback}",
            stop=None,
            window={"every": lookback, "function": "last"},
            order=["room_id", "field", "time"],
        )
        if series is None:
            return {}
        current: dict[str, RoomOccupancy] = {}
        for room_id, points in parse_series(series, "current occupancy").items():
            if points:
                latest = max(points, key=lambda p: p.time)
                # `last` picks a sample, a whole number of people; round() absorbs a `3.0`.
                current[room_id] = RoomOccupancy(room_id, round(latest.value), latest.time)
        return current

    async def get_occupancy_history(
        self,
        *,
        start: Instant,
        stop: Instant | None = None,
        room_ids: Iterable[str] | None = None,
        space_ids: Iterable[str] | None = None,
        every: Duration = timedelta(minutes=5),
        function: str = "max",
        per: Per = "room",
    ) -> dict[str, tuple[OccupancyPoint, ...]]:
        """A time series per room (or per space: the sum of its rooms), one point a window.

        Default: the peak (`max`) of every 5 minutes, the reference's own example.
        """
        body = await self._report(
            room_ids,
            space_ids,
            start=instant(start, "start"),
            stop=None if stop is None else instant(stop, "stop"),
            window={"every": duration(every, "every"), "function": _function(function)},
            order=[f"{per}_id", "field", "time"],
        )
        return {} if body is None else parse_series(body, "occupancy history")

    async def get_occupancy_summary(
        self,
        *,
        start: Instant,
        stop: Instant | None = None,
        room_ids: Iterable[str] | None = None,
        space_ids: Iterable[str] | None = None,
        every: Duration = timedelta(minutes=1),
        function: str = "max",
        per: Per = "room",
    ) -> dict[str, OccupancySummary]:
        """The documented statistics (sum, min, max, count, mean, median, stddev) over the
        windowed values, per room or per space. Default: every per-minute sample."""
        body = await self._report(
            room_ids,
            space_ids,
            start=instant(start, "start"),
            stop=None if stop is None else instant(stop, "stop"),
            window={"every": duration(every, "every"), "function": _function(function)},
            order=[f"{per}_id", "field"],
        )
        return {} if body is None else parse_summaries(body, "occupancy summary")

    async def get_detections(
        self,
        *,
        start: Instant,
        stop: Instant | None = None,
        space_id: str | None = None,
        room_id: str | None = None,
        mac_addresses: Iterable[str] | None = None,
        data_types: Iterable[str] = ("detections_local",),
        every: Duration | None = None,
        function: str | None = None,
        omit_empty: bool = False,
    ) -> list[Detection]:
        """Per-sensor detection points, one entry per sensor, window and data type.

        `function` picks a window's sample: first, last, max or min (most/fewest people).
        """
        kinds = tuple(unique(data_types))
        if not kinds or any(kind not in DETECTION_TYPES for kind in kinds):
            raise ValueError(f"butlr data_types must be some of {', '.join(DETECTION_TYPES)}")
        filt: dict[str, Any] = {"start": instant(start, "start")}
        if stop is not None:
            filt["stop"] = instant(stop, "stop")
        if omit_empty:
            filt["omit_empty_value"] = True
        if space_id is not None:
            filt["space_id"] = space_id
        if room_id is not None:
            filt["room_id"] = room_id
        if mac_addresses is not None:
            filt["mac_addresses"] = unique(sensor_key(mac) for mac in mac_addresses)
        body: dict[str, Any] = {"data_types": list(kinds), "filter": filt}
        if every is not None or function is not None:
            body["window"] = {
                "every": duration(every or timedelta(minutes=1), "every"),
                "function": function or "last",
            }
        response = await self._send("POST", DETECTIONS, json_body=body, idempotent=True)
        return parse_detections(response.body, kinds)

    async def _report(
        self,
        room_ids: Iterable[str] | None,
        space_ids: Iterable[str] | None,
        *,
        start: str,
        stop: str | None,
        window: dict[str, str],
        order: list[str],
    ) -> object | None:
        """One reporting call; None when an empty id list leaves nothing to ask about."""
        filt: dict[str, Any] = {"start": start}
        if stop is not None:
            filt["stop"] = stop
        for key, ids in (("rooms", room_ids), ("spaces", space_ids)):
            if ids is not None:
                wanted = unique(ids)
                if not wanted:
                    return None  # the vendor refuses an empty list; nothing matches anyway
                filt[key] = wanted
        body = {"filter": filt, "window": window, "group_by": {"order": order}}
        response = await self._send("POST", REPORTING, json_body=body, idempotent=True)
        answer: object = response.body
        return answer
