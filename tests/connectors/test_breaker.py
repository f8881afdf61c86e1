"""The circuit breaker opens after repeated failures, fails fast, and probes for recovery."""

import asyncio
import logging

import aiohttp
import pytest

from concierge.connectors.breaker import CircuitBreaker
from concierge.connectors.errors import CircuitOpenError, VendorUnavailableError
from concierge.connectors.policy import NO_RETRY
from concierge.connectors.remotelock import build_client
from concierge.connectors.tokens import MemoryTokenStorage
from tests.conftest import RunningSandbox
from tests.connectors.remotelock.conftest import make_config


class FakeClock:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


def test_opens_after_threshold_and_fails_fast() -> None:
    clock = FakeClock()
    breaker = CircuitBreaker("butlr", threshold=3, probe_interval_s=10, clock=clock)
    for _ in range(3):
        breaker.before_call()
        breaker.record_failure()
    assert breaker.state == "open"
    with pytest.raises(CircuitOpenError):
        breaker.before_call()


def test_half_open_lets_one_probe_through_and_closes_on_success() -> None:
    clock = FakeClock()
    breaker = CircuitBreaker("butlr", threshold=1, probe_interval_s=10, clock=clock)
    breaker.before_call()
    breaker.record_failure()
    clock.now += 10
    breaker.before_call()  # the probe
    with pytest.raises(CircuitOpenError):
        breaker.before_call()  # a second caller while the probe is in flight
    breaker.record_success()
    assert breaker.state == "closed"
    breaker.before_call()


def test_a_failed_probe_reopens_until_the_next_probe_interval() -> None:
    clock = FakeClock()
    breaker = CircuitBreaker("butlr", threshold=1, probe_interval_s=10, clock=clock)
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


def test_default_probe_comes_a_second_after_opening_not_after_a_long_window() -> None:
    clock = FakeClock()
    breaker = CircuitBreaker("butlr", threshold=1, clock=clock)
    breaker.before_call()
    breaker.record_failure()
    clock.now += 0.5
    with pytest.raises(CircuitOpenError):
        breaker.before_call()
    clock.now += 0.5
    breaker.before_call()  # one second later: the probe goes through
    breaker.record_success()
    assert breaker.state == "closed"


def test_a_4xx_answer_to_the_probe_closes_the_breaker() -> None:
    clock = FakeClock()
    breaker = CircuitBreaker("butlr", threshold=1, probe_interval_s=1, clock=clock)
    breaker.before_call()
    breaker.record_failure()
    clock.now += 1
    breaker.before_call()
    breaker.record_neutral()  # the vendor answered (a 404): it is up
    assert breaker.state == "closed"


def test_a_probe_that_ends_without_an_answer_lets_the_next_call_probe() -> None:
    clock = FakeClock()
    breaker = CircuitBreaker("butlr", threshold=1, probe_interval_s=1, clock=clock)
    breaker.before_call()
    breaker.record_failure()
    clock.now += 1
    breaker.before_call()
    breaker.release()  # e.g. the caller was cancelled mid-request
    breaker.before_call()  # not stuck behind a probe that will never report
    assert breaker.state == "half_open"


def test_going_down_and_recovering_are_each_logged_once(caplog: pytest.LogCaptureFixture) -> None:
    clock = FakeClock()
    breaker = CircuitBreaker("butlr", threshold=2, probe_interval_s=1, clock=clock)
    with caplog.at_level(logging.WARNING, logger="concierge.connectors.breaker"):
        for _ in range(2):
            breaker.before_call()
            breaker.record_failure()
        for _ in range(3):  # failed probes do not log again
            clock.now += 1
            breaker.before_call()
            breaker.record_failure()
        clock.now += 1
        breaker.before_call()
        breaker.record_success()
        breaker.record_success()
    messages = [r.getMessage() for r in caplog.records]
    assert messages == [
        "butlr is failing; circuit open, probing every 1.0s",
        "butlr is reachable again; circuit closed",
    ]


async def test_a_healed_vendor_is_used_again_after_the_probe_interval(
    sandbox: RunningSandbox, http: aiohttp.ClientSession
) -> None:
    """Over real HTTP: fault the sandbox, see the breaker open, heal it; the next call
    after a (tiny) probe interval goes through, closes the breaker, and others follow."""
    client = build_client(
        make_config(sandbox, retry=NO_RETRY, breaker_threshold=2, breaker_probe_s=0.05),
        http,
        MemoryTokenStorage(),
    )
    await client.tokens.token()
    await sandbox.control("PATCH", "/faults/remotelock", json={"error_rate": 1})
    for _ in range(2):
        with pytest.raises(VendorUnavailableError):
            await client.account.get()
    with pytest.raises(CircuitOpenError):
        await client.account.get()  # fails fast: nothing is sent
    assert client.http.breaker is not None
    assert client.http.breaker.state == "open"
    sent = (await sandbox.counters("remotelock"))["routes"]["GET /api/account"]
    assert sent == 2

    await sandbox.control("DELETE", "/faults/remotelock")
    await asyncio.sleep(0.06)
    probe, *others = await asyncio.gather(
        client.account.get(), client.account.get(), return_exceptions=True
    )
    assert not isinstance(probe, BaseException)
    assert [type(o) for o in others] == [CircuitOpenError]  # one probe at a time
    assert client.http.breaker.state == "closed"
    assert await client.account.get() == probe
    assert (await sandbox.counters("remotelock"))["routes"]["GET /api/account"] == 4
