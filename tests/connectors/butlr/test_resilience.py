"""Faults at the sandbox: 429s, 503s on creates, the breaker, flaky reads, the rate limit."""

from __future__ import annotations

import asyncio
import time

import aiohttp
import pytest

from concierge.connectors.butlr import ButlrClient, build_client
from concierge.connectors.errors import CircuitOpenError, VendorUnavailableError
from concierge.connectors.policy import NO_RETRY, RetryPolicy
from concierge.connectors.ratelimit import RateLimiter
from concierge.connectors.tokens import MemoryTokenStorage
from tests.conftest import RunningSandbox
from tests.connectors.butlr.conftest import (
    VENDOR,
    MakeConfig,
    faults,
    reset_counters,
    route_count,
)

SQUARE = [(1.0, 1.0), (4.0, 1.0), (4.0, 4.0), (1.0, 4.0)]


async def test_429_with_retry_after_is_waited_out(
    client: ButlrClient, sandbox: RunningSandbox
) -> None:
    await client.tokens.token()
    await faults(sandbox, burst_429=1, retry_after_s=1)
    started = time.monotonic()

    types = await client.spaces.list()

    assert len(types) == 3
    assert time.monotonic() - started >= 1.0
    counters = await sandbox.counters(VENDOR)
    assert counters["routes"]["GET /api/v2/spaces"] == 2
    assert counters["statuses"]["429"] == 1


async def test_the_circuit_opens_after_repeated_failures_and_closes_after_recovery(
    sandbox: RunningSandbox, http: aiohttp.ClientSession, config_for: MakeConfig
) -> None:
    config = config_for(retry=NO_RETRY, breaker_threshold=3, breaker_probe_s=0.3)
    client = build_client(config, http, MemoryTokenStorage())
    await client.tokens.token()
    await faults(sandbox, error_rate=1, error_status=503)

    for _ in range(3):
        with pytest.raises(VendorUnavailableError):
            await client.spaces.list()
    with pytest.raises(CircuitOpenError):
        await client.spaces.list()
    assert await route_count(sandbox, "GET /api/v2/spaces") == 3  # the open circuit sent none

    await sandbox.control("DELETE", f"/faults/{VENDOR}")
    await asyncio.sleep(0.35)
    assert len(await client.spaces.list()) == 3
    assert client.http.breaker is not None
    assert client.http.breaker.state == "closed"


async def test_a_full_listing_completes_under_a_30_percent_fault_rate(
    sandbox: RunningSandbox, http: aiohttp.ClientSession, config_for: MakeConfig
) -> None:
    # Two more attempts than production and a lenient breaker: the test is about retries
    # finishing the walk, and must not fail on a four-in-a-row streak (p = 0.3**6 per page).
    config = config_for(
        page_size=10,
        retry=RetryPolicy(attempts=6, base_delay=0.01, max_delay=0.05),
        breaker_threshold=50,
    )
    client = build_client(config, http, MemoryTokenStorage())
    clean = await client.sensors.list()
    await faults(sandbox, error_rate=0.3, error_status=503, methods=["GET"])
    await reset_counters(sandbox)

    flaky = await client.sensors.list()

    assert [s.id for s in flaky] == [s.id for s in clean]
    counters = await sandbox.counters(VENDOR)
    assert counters["injected"].get("503", 0) > 0
    assert counters["statuses"]["200"] == 12  # each page of 10 served once


async def test_the_client_side_limit_spaces_out_a_burst(
    sandbox: RunningSandbox, http: aiohttp.ClientSession, config_for: MakeConfig
) -> None:
    client = build_client(config_for(), http, MemoryTokenStorage(), limiter=RateLimiter(5, 0.5))
    await client.tokens.token()  # the login takes a slot too
    started = time.monotonic()

    await asyncio.gather(*(client.spaces.list() for _ in range(8)))

    assert time.monotonic() - started >= 0.5
    assert await route_count(sandbox, "GET /api/v2/spaces") == 8


def test_the_default_limiter_is_generous_and_can_be_turned_off(
    config_for: MakeConfig, http: aiohttp.ClientSession
) -> None:
    limited = build_client(config_for(), http, MemoryTokenStorage())
    unlimited = build_client(config_for(rate_limit_per_minute=None), http, MemoryTokenStorage())

    assert limited.http.limiter is not None
    assert (limited.http.limiter.limit, limited.http.limiter.window_s) == (600, 60.0)
    assert unlimited.http.limiter is None
