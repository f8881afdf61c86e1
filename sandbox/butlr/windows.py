"""Windowed aggregation shared by Reporting and Detections: epoch-aligned windows over minutes."""

from __future__ import annotations

import statistics
from collections.abc import Iterator, Mapping
from typing import Any

from concierge.sandbox.butlr.errors import invalid, reject_unknown_keys
from concierge.sandbox.butlr.timespec import TimeRange, duration_s

SELECTORS = ("first", "last", "max", "min")
AGGREGATES = ("mean", "sum", "count", "median")


def parse_window(
    raw: object, span: TimeRange, functions: tuple[str, ...], default: tuple[str, str] | None
) -> tuple[int, str]:
    """(every in seconds, function) from a `window` object; whole minutes, within the range."""
    if raw is None:
        if default is None:
            raise invalid("window is required")
        raw = {"every": default[0], "function": default[1]}
    if not isinstance(raw, Mapping):
        raise invalid("window must be an object")
    reject_unknown_keys(raw, ("every", "function"), "window keys")
    every = duration_s(raw.get("every"), "window.every")
    if every % 60:
        raise invalid("window.every must be whole minutes (samples are per minute)")
    if every > span.minutes * 60:
        raise invalid("window.every is larger than the time range")
    function = raw.get("function")
    if function not in functions:
        raise invalid(f"window.function must be one of {', '.join(functions)}")
    return every, str(function)


def windows(span: TimeRange, every_s: int) -> Iterator[tuple[int, int, int]]:
    """(window start in epoch seconds, first index, end index) over the range's minute list.

    Windows align to the epoch like Flux's; the first and last may be cut by the range, and a
    cut window starts at the range's start.
    """
    index = 0
    step = every_s // 60
    while index < span.minutes:
        minute = span.start_min + index
        window_start = minute * 60 // every_s * every_s
        end = min(span.minutes, index + step - (minute - window_start // 60))
        yield max(window_start, span.start_min * 60), index, end
        index = end


def select(values: list[float], function: str) -> tuple[int, float]:
    """(offset of the chosen sample or -1 for aggregates, value) for one window's samples."""
    if function == "first":
        return 0, values[0]
    if function == "last":
        return len(values) - 1, values[-1]
    if function in ("max", "min"):
        chosen = max(values) if function == "max" else min(values)
        return values.index(chosen), chosen
    if function == "sum":
        return -1, sum(values)
    if function == "count":
        return -1, len(values)
    if function == "median":
        return -1, statistics.median(values)
    return -1, statistics.fmean(values)


def as_number(value: float) -> float | int:
    return int(value) if float(value).is_integer() else value


def summary(values: list[float]) -> dict[str, Any]:
    """The documented statistics block."""
    # Reference silent/contradictory: the stddev kind is unstated; we use the sample (n-1) one.
    count = len(values)
    return {
        "sum": as_number(sum(values)),
        "min": as_number(min(values)),
        "max": as_number(max(values)),
        "count": count,
        "mean": statistics.fmean(values),
        "median": as_number(statistics.median(values)),
        "stddev": statistics.stdev(values) if count > 1 else 0.0,
    }
