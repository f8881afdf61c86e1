"""Occupancy as a pure function of (seed, room, minute), plus scenario overrides.

Each room follows a daily curve chosen by its room type (commute peaks in a lobby, early and
late peaks in a gym, evenings in a lounge), shifted and scaled per room, in the building's
local time, with slow drift and per-minute jitter from a counter-based hash, bounded by the
room's capacity. Nothing is stored, so any past minute can be recomputed identically and a
clock jump simply moves to another point of the curve.
"""

from __future__ import annotations

import hashlib
import math
from dataclasses import dataclass
from datetime import UTC, datetime
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from concierge.sandbox.butlr.records import RoomRec

MASK64 = (1 << 64) - 1
NOMINAL_BOUND = 10  # rooms with capacity 0 ("not configured") are bounded by this
DRIFT_KNOT_MIN = 20  # slow drift is interpolated between knots this many minutes apart
HISTORY_S = 32 * 86_400  # overrides older than any reportable range are forgotten


@dataclass(frozen=True)
class Profile:
    peaks: tuple[tuple[float, float, float], ...]  # (local hour, width in hours, weight)
    base: float  # daytime floor
    night: float
    weekend: float  # weekend scale


PROFILES = {
    "commute": Profile(((8.3, 1.0, 0.55), (12.5, 1.2, 0.2), (18.0, 1.3, 0.6)), 0.12, 0.02, 0.6),
    "fitness": Profile(((6.8, 1.0, 0.7), (12.3, 1.0, 0.25), (18.6, 1.4, 0.85)), 0.08, 0.0, 0.9),
    "social": Profile(((13.0, 1.5, 0.3), (19.8, 2.0, 0.8)), 0.1, 0.02, 1.2),
    "work": Profile(((10.0, 1.5, 0.7), (14.5, 1.8, 0.7)), 0.1, 0.0, 0.25),
    "dining": Profile(((8.0, 1.0, 0.4), (12.5, 1.0, 0.6), (19.0, 1.2, 0.8)), 0.08, 0.01, 1.1),
    "utility": Profile(((9.5, 2.0, 0.35), (19.0, 2.0, 0.45)), 0.05, 0.0, 1.1),
}
ROOM_PROFILES = {
    **dict.fromkeys(
        (
            "entrance",
            "elevator",
            "hall",
            "stairs",
            "antechamber",
            "extcirculation",
            "intcirculation",
        ),
        "commute",
    ),
    **dict.fromkeys(("gym", "spa"), "fitness"),
    **dict.fromkeys(
        ("livingroom", "gamesroom", "library", "patio", "balcony", "clearing"), "social"
    ),
    **dict.fromkeys(("office", "hotdesk", "confroom", "phoneroom"), "work"),
    **dict.fromkeys(("kitchen", "diningroom", "pantry", "kitchenette"), "dining"),
}


_GOLDEN, _MIX1, _MIX2 = 0x9E3779B97F4A7C15, 0xBF58476D1CE4E5B9, 0x94D049BB133111EB
_STEP = 0xD1B54A32D192ED03


def _mix(x: int) -> int:
    """splitmix64: a fast, well-spread 64-bit hash of a counter."""
    x = (x + _GOLDEN) & MASK64
    x = ((x ^ (x >> 30)) * _MIX1) & MASK64
    x = ((x ^ (x >> 27)) * _MIX2) & MASK64
    return x ^ (x >> 31)


def unit(stream: int, counter: int) -> float:
    """A uniform number in [0, 1) for (stream, counter)."""
    return _mix(stream ^ ((counter * _STEP) & MASK64)) / 2.0**64


def stream_of(*parts: object) -> int:
    return int.from_bytes(
        hashlib.blake2b(":".join(map(str, parts)).encode(), digest_size=8).digest(), "big"
    )


def _level(profile: Profile, hour: float, weekend: bool) -> float:
    daytime = 1 / (1 + math.exp(-(hour - 6.5) * 2)) / (1 + math.exp((hour - 23.0) * 2))
    level = profile.night + (profile.base - profile.night) * daytime
    shift = 1.0 if weekend else 0.0  # weekends start later
    for centre, width, weight in profile.peaks:
        level += weight * math.exp(-(((hour - centre - shift) / width) ** 2) / 2)
    return min(1.0, level * (profile.weekend if weekend else 1.0))


_TABLES = {
    (name, weekend): [_level(profile, m / 60, weekend) for m in range(1440)]
    for name, profile in PROFILES.items()
    for weekend in (False, True)
}


@dataclass
class Override:
    """A scenario-set count for one room: from `start_min` (epoch minute) until `until`."""

    room_id: str
    count: int
    start_min: int
    set_at: float
    until: float | None  # sandbox epoch seconds; None = until replaced or cleared


class OccupancyModel:
    def __init__(self, seed: int) -> None:
        self._seed = seed
        self._overrides: dict[str, list[Override]] = {}
        self._offsets: dict[tuple[str, int], int] = {}
        self._zones: dict[str, ZoneInfo] = {}

    # -- the curve -------------------------------------------------------------------------

    def _offset_min(self, tz: str, minute: int) -> int:
        """UTC offset of `tz` in minutes, cached per hour."""
        key = (tz, minute // 60)
        cached = self._offsets.get(key)
        if cached is None:
            zone = self._zones.get(tz)
            if zone is None:
                try:
                    zone = ZoneInfo(tz) if tz else ZoneInfo("UTC")
                except (ZoneInfoNotFoundError, ValueError):
                    zone = ZoneInfo("UTC")  # unknown zones read as UTC
                self._zones[tz] = zone
            offset = datetime.fromtimestamp(minute * 60, UTC).astimezone(zone).utcoffset()
            cached = int(offset.total_seconds() // 60) if offset else 0
            if len(self._offsets) > 200_000:
                self._offsets.clear()
            self._offsets[key] = cached
        return cached

    def series(self, room: RoomRec, tz: str, start_min: int, count: int) -> list[int]:
        """Occupancy of `room` at each epoch minute from `start_min`, `count` minutes long."""
        bound = int(room.capacity) if room.capacity > 0 else NOMINAL_BOUND
        values = self._curve(room, tz, start_min, count, bound)
        for minute, pinned in self._pinned(room.id, start_min, start_min + count, bound).items():
            values[minute - start_min] = pinned
        return values

    def _curve(self, room: RoomRec, tz: str, start_min: int, count: int, bound: int) -> list[int]:
        base = stream_of(self._seed, room.id)
        popularity = 0.45 + 0.4 * unit(base, 1)
        shift = int(unit(base, 2) * 80) - 40
        drift_stream, jitter_stream = stream_of(base, "drift"), stream_of(base, "jitter")
        profile = ROOM_PROFILES.get(room.type, "utility")
        weekday_table, weekend_table = _TABLES[(profile, False)], _TABLES[(profile, True)]
        # Hot loop: the UTC offset and the drift knots change rarely, so they are carried along.
        hour = offset = knot = -1
        drift_from = drift_to = 0.0
        values: list[int] = []
        for minute in range(start_min, start_min + count):
            if minute // 60 != hour:
                hour, offset = minute // 60, self._offset_min(tz, minute)
            local = minute + offset
            weekend = (local // 1440 + 3) % 7 >= 5  # epoch day 0 was a Thursday
            level = (weekend_table if weekend else weekday_table)[(local - shift) % 1440]
            if minute // DRIFT_KNOT_MIN != knot:
                knot = minute // DRIFT_KNOT_MIN
                drift_from, drift_to = unit(drift_stream, knot), unit(drift_stream, knot + 1)
            frac = (minute - knot * DRIFT_KNOT_MIN) / DRIFT_KNOT_MIN
            drift = ((1 - frac) * drift_from + frac * drift_to) * 2 - 1
            # unit(jitter_stream, minute), inlined: this line runs for every sampled minute.
            x = ((jitter_stream ^ ((minute * _STEP) & MASK64)) + _GOLDEN) & MASK64
            x = ((x ^ (x >> 30)) * _MIX1) & MASK64
            x = ((x ^ (x >> 27)) * _MIX2) & MASK64
            jitter = (x ^ (x >> 31)) / 2.0**63 - 1
            people = (
                bound * popularity * level + drift * (0.15 * bound * level + 0.8) + 0.6 * jitter
            )
            values.append(max(0, min(bound, round(people))))
        return values

    def _pinned(self, room_id: str, start_min: int, stop_min: int, bound: int) -> dict[int, int]:
        """Minute -> count for the minutes of [start_min, stop_min) an override covers."""
        pinned: dict[int, int] = {}
        for override in self._overrides.get(room_id, []):  # oldest first: later ones win
            last = stop_min if override.until is None else math.ceil(override.until / 60)
            for minute in range(max(start_min, override.start_min), min(stop_min, last)):
                pinned[minute] = min(override.count, bound)
        return pinned

    def at(self, room: RoomRec, tz: str, minute: int) -> int:
        return self.series(room, tz, minute, 1)[0]

    # -- scenario overrides ----------------------------------------------------------------

    def set_override(
        self, room: RoomRec, count: int, now: float, duration_s: float | None
    ) -> Override:
        """From the current minute on, `room` holds `count` people (bounded by capacity)."""
        bound = int(room.capacity) if room.capacity > 0 else NOMINAL_BOUND
        override = Override(
            room.id,
            min(count, bound),
            int(now // 60),
            now,
            None if duration_s is None else now + duration_s,
        )
        history = self._overrides.setdefault(room.id, [])
        for earlier in history:  # a new override replaces, it does not stack
            if earlier.until is None or earlier.until > override.start_min * 60:
                earlier.until = max(earlier.start_min, override.start_min) * 60
        horizon = now - HISTORY_S
        history[:] = [o for o in history if o.until is None or o.until > horizon]
        history.append(override)
        return override

    def clear(self, room_id: str | None, now: float) -> int:
        """End active overrides now (history keeps them); returns how many ended."""
        ended = 0
        for override in self.active(now):
            if room_id is None or override.room_id == room_id:
                override.until = now // 60 * 60  # the current minute is back on the curve
                ended += 1
        return ended

    def active(self, now: float) -> list[Override]:
        current = int(now // 60)
        found: list[Override] = []
        for overrides in self._overrides.values():
            live = [
                o
                for o in overrides
                if (o.until is None or o.until > now) and o.start_min <= current
            ]
            if live:
                found.append(live[-1])
        return found

    def forget_room(self, room_id: str) -> None:
        self._overrides.pop(room_id, None)
