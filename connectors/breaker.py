"""A circuit breaker per vendor: fail fast while a vendor is down, probe for recovery.

    closed ──(`threshold` transient failures in a row)──▶ open
    open ──(`probe_interval_s` since it opened, next call)──▶ half_open: that call is the probe
    half_open ──probe answered──▶ closed        half_open ──probe failed──▶ open (again)

While open, calls fail at once with `CircuitOpenError`. Half-open lets exactly one call
through; the others still fail fast until it ends. It logs once when a vendor goes down
and once when it recovers. Auth and rejection errors (4xx) say nothing bad about the
vendor's health: the vendor answered, so a 4xx probe closes the breaker too.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from dataclasses import dataclass, field

from concierge.connectors.errors import CircuitOpenError

log = logging.getLogger(__name__)

# Decision: probe one second after opening (and after each failed probe). A down vendor
# then sees at most one request a second from us, and a recovered one is back in use
# within a second instead of after a long fixed recovery window.
DEFAULT_PROBE_INTERVAL_S = 1.0
DEFAULT_THRESHOLD = 5


@dataclass
class CircuitBreaker:
    vendor: str
    threshold: int = DEFAULT_THRESHOLD
    probe_interval_s: float = DEFAULT_PROBE_INTERVAL_S
    clock: Callable[[], float] = field(default=time.monotonic, repr=False)
    state: str = "closed"  # closed | open | half_open
    failures: int = 0
    opened_at: float = 0.0
    _probing: bool = False

    def before_call(self) -> None:
        """Raise `CircuitOpenError` unless this call may go to the vendor.

        A call let through while not closed is the probe: the caller must end it with
        `record_success`, `record_failure`, `record_neutral` or `release`.
        """
        if self.state == "closed":
            return
        if self.state == "open":
            wait = self.opened_at + self.probe_interval_s - self.clock()
            if wait > 0:
                raise CircuitOpenError(
                    f"circuit open after {self.failures} failures; next probe in {wait:.1f}s",
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
                log.warning(
                    "%s is failing; circuit open, probing every %.1fs",
                    self.vendor,
                    self.probe_interval_s,
                )
            self.state = "open"
            self.opened_at = self.clock()

    def record_neutral(self) -> None:
        """The vendor answered without a health signal (a 4xx): it is up."""
        if self.state == "half_open":
            self.record_success()
        self._probing = False

    def release(self) -> None:
        """A call ended without an answer (cancelled, or a body we could not read):
        it told us nothing, so the next call may probe instead."""
        self._probing = False
