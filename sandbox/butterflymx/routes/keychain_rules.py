"""Keychain validation: validity windows, recurring schedules, recipients."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime
from typing import Any

from concierge.sandbox.butterflymx.routes.common import E164, EMAIL, blank
from concierge.sandbox.butterflymx.values import parse_datetime

WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
HH_MM = re.compile(r"^([01]\d|2[0-3]):[0-5]\d$")
NIL_COMPARISON = (
    "Error occurred validating ends_at for :after restriction:\ncomparison of "
    "ActiveSupport::TimeWithZone with nil failed"
)


def window(attributes: dict[str, Any]) -> tuple[float | None, float | None, list[tuple[str, str]]]:
    problems: list[tuple[str, str]] = []
    moments: dict[str, float | None] = {}
    for name in ("starts_at", "ends_at"):
        raw = attributes.get(name)
        moments[name] = parse_datetime(raw)
        if blank(raw):
            problems.append((name, "can't be blank"))
        if moments[name] is None:
            problems.append((name, "is not a valid datetime"))
    starts, ends = moments["starts_at"], moments["ends_at"]
    if ends is not None:
        if starts is None:
            problems.append(("ends_at", NIL_COMPARISON))  # verbatim from the reference
        elif ends <= starts:
            problems.append(("ends_at", f"must be after {rails_time(starts)}"))
    return starts, ends, problems


def rails_time(at: float) -> str:
    return datetime.fromtimestamp(at, UTC).strftime("%Y-%m-%d %H:%M:%S")


def recurring(attributes: dict[str, Any]) -> tuple[dict[str, Any], list[tuple[str, str]]]:
    problems: list[tuple[str, str]] = []
    weekdays = attributes.get("weekdays")
    if not isinstance(weekdays, list) or not weekdays:
        problems.append(("weekdays", "can't be blank"))
    elif any(day not in WEEKDAYS for day in weekdays):
        problems.append(("weekdays", "is not included in the list"))
    dates: dict[str, date | None] = {}
    for name in ("start_date", "end_date"):
        raw = attributes.get(name)
        try:
            dates[name] = date.fromisoformat(raw) if isinstance(raw, str) else None
        except ValueError:
            dates[name] = None
        if blank(raw):
            problems.append((name, "can't be blank"))
        elif dates[name] is None:
            problems.append((name, "is not a valid date"))
    for name in ("time_from", "time_to"):
        raw = attributes.get(name)
        if blank(raw):
            problems.append((name, "can't be blank"))
        elif not isinstance(raw, str) or not HH_MM.match(raw):
            problems.append((name, "is not a valid time"))
    fields: dict[str, Any] = {}
    start, end = dates["start_date"], dates["end_date"]
    if not problems and start is not None and end is not None:
        # Reference silent on the zone of dates and times: we read them as UTC, which is
        # what its example response shows.
        starts = at_time(start, attributes["time_from"])
        ends = at_time(end, attributes["time_to"])
        if ends <= starts:
            problems.append(("end_date", f"must be after {rails_time(starts)}"))
        fields = {
            "starts_at": starts,
            "ends_at": ends,
            "weekdays": [d for d in WEEKDAYS if d in weekdays],  # type: ignore[operator]
            "time_from": attributes["time_from"],
            "time_to": attributes["time_to"],
        }
    return fields, problems


def at_time(day: date, hh_mm: str) -> float:
    hours, minutes = (int(part) for part in hh_mm.split(":"))
    return datetime(day.year, day.month, day.day, hours, minutes, tzinfo=UTC).timestamp()


def recipients(raw: object) -> tuple[list[tuple[str | None, str | None]], list[tuple[str, str]]]:
    """Recipients split by format: e-mail addresses and E.164 phone numbers."""
    if raw is None:
        return [], []
    if not isinstance(raw, list):
        return [], [("recipients", "is invalid")]
    split: list[tuple[str | None, str | None]] = []
    problems: list[tuple[str, str]] = []
    for item in raw:
        text = item.strip() if isinstance(item, str) else str(item)
        if EMAIL.match(text):
            split.append((text, None))
        elif E164.match(text):
            split.append((None, text))
        else:
            problems.append(("recipients", f"{text} is invalid"))
    return split, problems
