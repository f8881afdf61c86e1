"""Occupancy: `POST /api/v3/reporting`, counts per room or space now and over time. The
records and `client.occupancy`.

Reporting is a POST that only reads, so it is sent with `idempotent=True` and retried like
a GET. Times are Flux-like: a `timedelta` goes out as a relative time (`-30m`: that long
ago), an aware `datetime` as RFC 3339 in UTC. The vendor's clock decides what "now" is,
which is why relative times are preferred for recent data.

Reporting nests `data` one level per `group_by.order` key (`field` is the measurement,
always `occupancy`); the leaf is a time series `[{"time", "value"}]` when `time` is the
last key. We always group by one entity (`room_id` or `space_id`), so answers read
`data[entity_id]["occupancy"]`.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any, Literal

from concierge.connectors.butlr.core import Resource, unique
from concierge.connectors.butlr.fields import Fields, protocol_error

Instant = datetime | timedelta  # a timedelta means "that long before now"
Duration = timedelta | str  # a timedelta, or a Flux duration string such as "5m"
Per = Literal["room", "space"]
# Reference silent: no function list; these are the sandbox's (selectors, then aggregates).
FUNCTIONS = ("last", "first", "max", "min", "mean", "sum", "count", "median")
REPORTING = "/api/v3/reporting"
FIELD = "occupancy"  # the one measurement the reference names


@dataclass(frozen=True)
class OccupancyPoint:
    """One window's value; selectors (`last`, `max`...) stamp the chosen sample's minute,
    aggregates (`mean`, `sum`...) the window's start."""

    time: datetime
    value: float

    @classmethod
    def from_json(cls, data: object, where: str = "point") -> OccupancyPoint:
        f = Fields(data, where)
        return cls(time=f.instant("time"), value=f.number("value"))


@dataclass(frozen=True)
class RoomOccupancy:
    """How many people a room holds now, and the minute that sample is from."""

    room_id: str
    count: int
    sampled_at: datetime


def _leaves(body: object, where: str) -> dict[str, object]:
    """`{entity_id: data[entity_id]["occupancy"]}` from a report grouped by one entity."""
    data = Fields(body, where).nested("data")
    leaves: dict[str, object] = {}
    for entity_id in data.data:
        leaves[entity_id] = data.nested(entity_id).data.get(FIELD)
        if leaves[entity_id] is None:
            raise protocol_error(f"{data.where}.{entity_id}", f"missing field {FIELD!r}")
    return leaves


def parse_series(body: object, where: str = "report") -> dict[str, tuple[OccupancyPoint, ...]]:
    """Time series per entity from a report ordered `[entity, "field", "time"]`."""
    series: dict[str, tuple[OccupancyPoint, ...]] = {}
    for entity_id, leaf in _leaves(body, where).items():
        path = f"{where}.data.{entity_id}.{FIELD}"
        if not isinstance(leaf, list):
            raise protocol_error(path, "should be a list of {time, value} points")
        series[entity_id] = tuple(
            OccupancyPoint.from_json(point, f"{path}[{i}]") for i, point in enumerate(leaf)
        )
    return series


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


class Occupancy(Resource):
    async def get_current(
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
        lookback = duration(self._core.occupancy_lookback, "occupancy_lookback")
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

    async def get_history(
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
        response = await self._core.send("POST", REPORTING, json_body=body, idempotent=True)
        answer: object = response.body
        return answer
