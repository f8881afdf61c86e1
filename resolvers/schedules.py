"""Visitor-key schedules: validated once, then shaped for each vendor.

Input times are the building's wall clock (a person issuing a key thinks in the
building's time). ButterflyMX takes instants (custom, one-time) or zone-less recurring
dates and times that it reads as UTC; RemoteLock takes zone-less wall-clock times at the
lock's location. `KeySchedule` holds the schedule once, with its zone, and converts.
"""

from __future__ import annotations

import re
import zoneinfo
from dataclasses import dataclass
from datetime import UTC, date, datetime, time
from typing import Any

from concierge.resolvers.outcomes import InvalidInputError, InvalidScheduleError

WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
HH_MM = re.compile(r"^([01]\d|2[0-3]):[0-5]\d$")
EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
E164 = re.compile(r"^\+[1-9]\d{7,14}$")
# ButterflyMX prints US zones with Rails names; everything else it sends is IANA.
RAILS_ZONES = {
    "Eastern Time (US & Canada)": "America/New_York",
    "Central Time (US & Canada)": "America/Chicago",
    "Mountain Time (US & Canada)": "America/Denver",
    "Pacific Time (US & Canada)": "America/Los_Angeles",
    "Atlantic Time (Canada)": "America/Halifax",
    "Arizona": "America/Phoenix",
    "Alaska": "America/Juneau",
    "Hawaii": "Pacific/Honolulu",
    "London": "Europe/London",
    "UTC": "Etc/UTC",
}


@dataclass(frozen=True)
class Weekly:
    weekdays: tuple[str, ...]  # mon..sun, in week order
    start_date: date
    end_date: date
    time_from: time
    time_to: time


@dataclass(frozen=True)
class KeySchedule:
    kind: str  # custom | recurring | one_time
    zone: str  # IANA name of the building's zone
    starts_at: datetime  # aware: the first moment the key opens
    ends_at: datetime  # aware: the last
    weekly: Weekly | None = None

    @property
    def tz(self) -> zoneinfo.ZoneInfo:
        return zoneinfo.ZoneInfo(self.zone)

    def local_window(self) -> tuple[datetime, datetime]:
        """The whole window as the building's zone-less wall clock (RemoteLock's guests)."""
        # Decision: a RemoteLock location's zone is its building's (the site map joins them).
        return (
            self.starts_at.astimezone(self.tz).replace(tzinfo=None),
            self.ends_at.astimezone(self.tz).replace(tzinfo=None),
        )

    def butterflymx_recurring(self) -> Weekly:
        """The weekly plan as ButterflyMX reads it: dates and times in UTC.

        Decision: the reference's only example echoes `time_from` as UTC and the sandbox reads
        it so; we convert at the start date's offset, moving the weekdays along when the hours
        cross midnight in UTC (`time_to` may then be before `time_from`: it ends the next day).
        """
        assert self.weekly is not None
        w = self.weekly
        first = datetime.combine(w.start_date, w.time_from, self.tz).astimezone(UTC)
        until = datetime.combine(w.start_date, w.time_to, self.tz).astimezone(UTC)
        last = datetime.combine(w.end_date, w.time_to, self.tz).astimezone(UTC)
        shift = (first.date() - w.start_date).days
        days = sorted({(WEEKDAYS.index(d) + shift) % 7 for d in w.weekdays})
        return Weekly(
            weekdays=tuple(WEEKDAYS[d] for d in days),
            start_date=first.date(),
            end_date=last.date(),
            time_from=first.time(),
            time_to=until.time(),
        )

    def to_store(self) -> dict[str, Any]:
        data: dict[str, Any] = {
            "kind": self.kind,
            "zone": self.zone,
            "starts_at": self.starts_at.isoformat(),
            "ends_at": self.ends_at.isoformat(),
        }
        if self.weekly is not None:
            w = self.weekly
            data |= {
                "weekdays": list(w.weekdays),
                "start_date": w.start_date.isoformat(),
                "end_date": w.end_date.isoformat(),
                "time_from": w.time_from.strftime("%H:%M"),
                "time_to": w.time_to.strftime("%H:%M"),
            }
        return data

    @classmethod
    def from_store(cls, data: dict[str, Any]) -> KeySchedule:
        weekly = None
        if data.get("weekdays") is not None:
            weekly = Weekly(
                weekdays=tuple(data["weekdays"]),
                start_date=date.fromisoformat(data["start_date"]),
                end_date=date.fromisoformat(data["end_date"]),
                time_from=time.fromisoformat(data["time_from"]),
                time_to=time.fromisoformat(data["time_to"]),
            )
        return cls(
            kind=data["kind"],
            zone=data["zone"],
            starts_at=datetime.fromisoformat(data["starts_at"]),
            ends_at=datetime.fromisoformat(data["ends_at"]),
            weekly=weekly,
        )


def building_zone(name: str | None) -> str:
    """The IANA zone of a ButterflyMX building (Rails or IANA name)."""
    candidate = RAILS_ZONES.get(name or "", name or "Etc/UTC")
    try:
        zoneinfo.ZoneInfo(candidate)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        # Decision: an unknown zone name is read as UTC rather than refusing every key.
        return "Etc/UTC"
    return candidate


def window(
    kind: str, starts_at: datetime, ends_at: datetime, zone: str, now: datetime
) -> KeySchedule:
    """A custom or one-time window; zone-less times are the building's wall clock."""
    tz = zoneinfo.ZoneInfo(zone)
    starts = starts_at if starts_at.tzinfo is not None else starts_at.replace(tzinfo=tz)
    ends = ends_at if ends_at.tzinfo is not None else ends_at.replace(tzinfo=tz)
    if ends <= starts:
        raise InvalidScheduleError("endsAt must be after startsAt.", field="endsAt")
    if ends <= now:
        raise InvalidScheduleError("endsAt is in the past: the key would never open.", "endsAt")
    return KeySchedule(kind=kind, zone=zone, starts_at=starts, ends_at=ends)


def recurring(
    weekdays: list[str],
    start_date: date,
    end_date: date,
    time_from: str,
    time_to: str,
    zone: str,
    now: datetime,
) -> KeySchedule:
    """Weekdays between two times of day, from one date to another, in the building's zone."""
    if not weekdays:
        raise InvalidScheduleError("A recurring key needs at least one weekday.", "weekdays")
    for name, value in (("timeFrom", time_from), ("timeTo", time_to)):
        if not HH_MM.match(value):
            raise InvalidScheduleError(
                f"{name} must be hh:mm (00:00 to 23:59), not {value!r}.", name
            )
    start, end = time.fromisoformat(time_from), time.fromisoformat(time_to)
    # Decision: a daily window ends the day it starts (the reference leaves midnight open).
    if end <= start:
        raise InvalidScheduleError("timeTo must be after timeFrom on the same day.", "timeTo")
    if end_date < start_date:
        raise InvalidScheduleError("endDate must not be before startDate.", "endDate")
    tz = zoneinfo.ZoneInfo(zone)
    if start_date < now.astimezone(tz).date():
        raise InvalidScheduleError(
            "startDate is in the past (in the building's zone).", "startDate"
        )
    days = tuple(d for d in WEEKDAYS if d in set(weekdays))
    return KeySchedule(
        kind="recurring",
        zone=zone,
        starts_at=datetime.combine(start_date, start, tz),
        ends_at=datetime.combine(end_date, end, tz),
        weekly=Weekly(days, start_date, end_date, start, end),
    )


def split_recipients(recipients: list[str]) -> list[str]:
    """The recipients, trimmed; each must be an e-mail address or an E.164 number."""
    cleaned = [r.strip() for r in recipients]
    for r in cleaned:
        if not (EMAIL.match(r) or E164.match(r)):
            raise InvalidInputError(
                f"{r!r} is neither an e-mail address nor an E.164 phone number (+15551234567).",
                field="recipients",
            )
    return cleaned


def check_pin(pin: str) -> str:
    # Decision: 4-8 digits. RemoteLock leaves PIN length undocumented (its examples are 4
    # digits, lock programming codes go to 8) and ButterflyMX only requires digits.
    if not pin.isdigit() or not 4 <= len(pin) <= 8 or not pin.isascii():
        raise InvalidInputError("A PIN is 4 to 8 digits (0-9).", field="pin")
    return pin


def overlaps(a: tuple[datetime, datetime], b: tuple[datetime | None, datetime | None]) -> bool:
    """Do two wall-clock windows overlap? An open end (a resident's PIN) is forever."""
    starts, ends = b
    return (ends is None or a[0] < ends) and (starts is None or starts < a[1])
