"""The circuit breaker opens after repeated failures, fails fast, and probes for recovery."""

import pytest

from connectors.breaker import CircuitBreaker
from connectors.errors import CircuitOpenError


class FakeClock:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


def test_opens_after_threshold_and_fails_fast() -> None:
    clock = FakeClock()
    breaker = CircuitBreaker("butlr", threshold=3, recovery_s=10, clock=clock)
    for _ in range(3):
        breaker.before_call()
        breaker.record_failure()
    assert breaker.state == "open"
    with pytest.raises(CircuitOpenError):
        breaker.before_call()


def test_half_open_lets_one_probe_through_and_closes_on_success() -> None:
    clock = FakeClock()
    breaker = CircuitBreaker("butlr", threshold=1, recovery_s=10, clock=clock)
    breaker.before_call()
    breaker.record_failure()
    clock.now += 10
    breaker.before_call()  # the probe
    with pytest.raises(CircuitOpenError):
        breaker.before_call()  # a second caller while the probe is in flight
    breaker.record_success()
    assert breaker.state == "closed"
    breaker.before_call()


def test_a_failed_probe_reopens_for_another_recovery_period() -> None:
    clock = FakeClock()
    breaker = CircuitBreaker("butlr", threshold=1, recovery_s=10, clock=clock)
    breaker.before_call()
    breaker.record_failure()
    clock.now += 10
    breaker.before_call()
    breaker.record_failure()
    assert breaker.state == "open"
    clock.now += 5
    with pytest.raises(CircuitOpenError):
        breaker.before_call()


def test_successes_reset_the_failure_count() -> None:
    breaker = CircuitBreaker("butlr", threshold=3, clock=FakeClock())
    for _ in range(5):
        breaker.record_failure()
        breaker.record_failure()
        breaker.record_success()
    assert breaker.state == "closed"
