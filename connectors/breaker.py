"""A circuit breaker per vendor: fail fast while a vendor is down, probe for recovery.

Closed: calls flow; consecutive transient failures are counted. After `threshold`
of them the breaker opens: calls fail at once with `CircuitOpenError` for
`recovery_s`. Then it is half-open: one probe call goes through; success closes the
breaker, failure opens it again. It logs once when a vendor goes down and once when
it recovers. Auth and rejection errors say nothing about the vendor's health and
do not count.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from dataclasses import dataclass, field

from connectors.errors import CircuitOpenError

log = logging.getLogger(__name__)


@dataclass
class CircuitBreaker:
    vendor: str
    threshold: int = 5
    recovery_s: float = 5.0
    clock: Callable[[], float] = field(default=time.monotonic, repr=False)
    state: str = "closed"  # closed | open | half_open
    failures: int = 0
    opened_at: float = 0.0
    _probing: bool = False

    def before_call(self) -> None:
        """Raise `CircuitOpenError` unless this call may go to the vendor."""
        if self.state == "closed":
            return
        if self.state == "open":
            remaining = self.opened_at + self.recovery_s - self.clock()
            if remaining > 0:
                raise CircuitOpenError(
                    f"circuit open after {self.failures} failures; next probe in {remaining:.1f}s",
                    vendor=self.vendor,
                )
            self.state = "half_open"
        if self._probing:
            raise CircuitOpenError("circuit half-open; a probe is in flight", vendor=self.vendor)
        self._probing = True

    def record_success(self) -> None:
        if self.state != "closed":
            log.warning("%s is reachable again; circuit closed", self.vendor)
        self.state = "closed"
        self.failures = 0
        self._probing = False

    def record_failure(self) -> None:
        self.failures += 1
        self._probing = False
        if self.state == "half_open" or (
            self.state == "closed" and self.failures >= self.threshold
        ):
            if self.state == "closed":
                log.warning("%s is failing; circuit open for %.1fs", self.vendor, self.recovery_s)
            self.state = "open"
            self.opened_at = self.clock()

    def record_neutral(self) -> None:
        """A call ended without telling us about vendor health (e.g. 4xx): release the probe."""
        if self.state == "half_open":
            self.record_success()
        self._probing = False
