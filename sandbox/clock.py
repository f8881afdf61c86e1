"""The sandbox's clock: wall time plus an offset the control API can advance.

Token expiry, rate-limit windows, webhook retry schedules and occupancy all read
this clock, so a test can jump two hours ahead instead of sleeping.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from datetime import UTC, datetime


class Clock:
    def __init__(self) -> None:
        self._offset = 0.0
        self._listeners: list[Callable[[], None]] = []

    def time(self) -> float:
        """Seconds since the epoch, as the simulated vendors see it."""
        return time.time() + self._offset

    def now(self) -> datetime:
        return datetime.fromtimestamp(self.time(), tz=UTC)

    def advance(self, seconds: float) -> None:
        if seconds < 0:
            raise ValueError("the sandbox clock only moves forward")
        self._offset += seconds
        for listener in list(self._listeners):
            listener()

    @property
    def offset(self) -> float:
        return self._offset

    def on_advance(self, listener: Callable[[], None]) -> None:
        """Call `listener` after every advance (schedulers use it to wake up)."""
        self._listeners.append(listener)


def iso_z(moment: datetime) -> str:
    """ISO 8601 in UTC with a `Z`, seconds precision, as all three vendors print it."""
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
