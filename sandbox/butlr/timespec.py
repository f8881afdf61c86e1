"""Time arguments of the v3 endpoints: Flux-like durations (`5m`, `-1d`) and RFC 3339 instants.

Only `"start": "-1d"` and `"every": "5m"` are shown in the reference; we accept relative
starts/stops (`-` + duration), absolute RFC 3339 instants with an offset or `Z`, and durations
made of `s`, `m`, `h`, `d`, `w` parts (`1h30m`).
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from datetime import datetime

from concierge.sandbox.butlr.errors import invalid

# Reference silent/contradictory: only "-1d"/"5m" shown; we take s/m/h/d/w and RFC 3339 instants.
_UNITS = {"s": 1, "m": 60, "h": 3600, "d": 86_400, "w": 604_800}
_DURATION = re.compile(r"^(?:\d+[smhdw])+$")
_PART = re.compile(r"(\d+)([smhdw])")


def duration_s(text: object, what: str) -> int:
    """Seconds in a positive duration string such as `5m` or `1h30m`."""
    if not isinstance(text, str) or not _DURATION.match(text):
        raise invalid(f"{what} must be a duration such as 5m, 1h or 1d")
    seconds = sum(int(n) * _UNITS[u] for n, u in _PART.findall(text))
    if seconds <= 0:
        raise invalid(f"{what} must be positive")
    return seconds


def instant(text: object, what: str, now: float) -> float:
    """Epoch seconds of a relative (`-30m`) or absolute (RFC 3339) time."""
    if not isinstance(text, str) or not text:
        raise invalid(f"{what} must be a relative duration (-1d) or an RFC 3339 time")
    if text.startswith("-"):
        return now - duration_s(text[1:], what)
    try:
        moment = datetime.fromisoformat(text)
    except ValueError as exc:
        raise invalid(f"{what} is not an RFC 3339 time: {text!r}") from exc
    if moment.tzinfo is None:
        raise invalid(f"{what} needs a UTC offset or Z")
    return moment.timestamp()


@dataclass(frozen=True)
class TimeRange:
    """Whole minutes [start_min, stop_min) with samples, both epoch minutes."""

    start_min: int
    stop_min: int

    @property
    def minutes(self) -> int:
        return self.stop_min - self.start_min


def minute_range(start: object, stop: object, now: float, *, max_s: int) -> TimeRange:
    """The sampled minutes between `start` and `stop` (default now), clipped to now.

    A sample stamped at minute m exists once m has begun, so [start, stop) covers the
    minutes whose start lies in it and the current minute counts as the latest sample.
    """
    start_s = instant(start, "filter.start", now)
    stop_s = now if stop is None else instant(stop, "filter.stop", now)
    if start_s > now:
        raise invalid("filter.start is in the future")
    if stop_s <= start_s:
        raise invalid("filter.stop must be after filter.start")
    if stop_s - start_s > max_s:
        raise invalid(f"the time range may span at most {max_s // 86_400} days")
    start_min = math.ceil(start_s / 60)  # first minute boundary at or after start
    stop_min = int(now // 60) + 1 if stop is None or stop_s > now else math.ceil(stop_s / 60)
    if stop_min <= start_min:
        raise invalid("the time range holds no whole minute")
    return TimeRange(start_min, stop_min)
