"""Faults at the sandbox: 429s, 503s on lock commands, the breaker, flaky reads, the rate limit."""

from __future__ import annotations

import asyncio
import time

import aiohttp
import pytest

from concierge.connectors.errors import (
    CircuitOpenError,
    VendorRateLimitedError,
    VendorTimeoutError,
    VendorUnavailableError,
)
from concierge.connectors.policy import NO_RETRY, RetryPolicy, Timeouts
from concierge.connectors.ratelimit import RateLimiter
from concierge.connectors.remotelock import (
    ALL_STATUSES,
    AccountLimiters,
    RemoteLockClient,
    build_client,
)
from concierge.connectors.tokens import MemoryTokenStorage
from tests.conftest import RunningSandbox
from tests.connectors.remotelock.conftest import (
    VENDOR,
    MakeConfig,
    first_lock,
    reset_counters,
    route_count,
)


async def faults(sandbox: RunningSandbox, **settings: object) -> None:
    await sandbox.control("PATCH", f"/faults/{VENDOR}", json=settings)


async def test_429_with_retry_after_is_waited_out(
    client: RemoteLockClient, sandbox: RunningSandbox
) -> None:
    await client.tokens.token()
    await faults(sandbox, burst_429=1, retry_after_s=1)
    started = time.monotonic()

    account = await client.account.get()

    assert account.name
    assert time.monotonic() - started >= 1.0
    counters = await sandbox.counters(VENDOR)
    assert counters["routes"]["GET /api/account"] == 2
    assert counters["statuses"]["429"] == 1


@pytest.mark.parametrize("action", ["unlock", "lock"])
async def test_a_lock_command_is_sent_once_even_when_the_vendor_answers_503(
    action: str, client: RemoteLockClient, sandbox: RunningSandbox
) -> None:
    device_id = await first_lock(client)
    before = await client.doors.get(device_id)
    await reset_counters(sandbox)
    await faults(sandbox, fail_next=1, error_status=503, path_contains=f"/{action}")

    command = client.doors.unlock if action == "unlock" else client.doors.lock
    with pytest.raises(VendorUnavailableError) as caught:
        await command(device_id)

    assert caught.value.status == 503
    assert await route_count(sandbox, f"PUT /api/devices/{{id}}/{action}") == 1
    assert (await client.doors.get(device_id)).state == before.state


async def test_an_unlock_that_times_out_is_not_resent(
    sandbox: RunningSandbox, http: aiohttp.ClientSession, config_for: MakeConfig
) -> None:
    client = build_client(
        config_for(timeouts=Timeouts(connect=1.0, total=0.3)), http, MemoryTokenStorage()
    )
    device_id = await first_lock(client)
    await faults(sandbox, timeout_rate=1, hang_s=0.6, path_contains="/unlock")

    with pytest.raises(VendorTimeoutError):
        await client.doors.unlock(device_id)

    assert await route_count(sandbox, "PUT /api/devices/{id}/unlock") == 1
    await asyncio.sleep(0.4)  # let the sandbox finish hanging before it shuts down


async def test_the_circuit_opens_after_repeated_failures_and_closes_after_recovery(
    sandbox: RunningSandbox, http: aiohttp.ClientSession, config_for: MakeConfig
) -> None:
    config = config_for(retry=NO_RETRY, breaker_threshold=3, breaker_probe_s=0.3)
    client = build_client(config, http, MemoryTokenStorage())
    await client.tokens.token()
    await faults(sandbox, error_rate=1, error_status=503)

    for _ in range(3):
        with pytest.raises(VendorUnavailableError):
            await client.account.get()
    with pytest.raises(CircuitOpenError):
        await client.account.get()
    assert await route_count(sandbox, "GET /api/account") == 3  # the open circuit sent nothing

    await sandbox.control("DELETE", f"/faults/{VENDOR}")
    await asyncio.sleep(0.35)
    assert (await client.account.get()).name
    assert client.http.breaker is not None
    assert client.http.breaker.state == "closed"


async def test_a_full_listing_completes_under_a_30_percent_fault_rate(
    sandbox: RunningSandbox, http: aiohttp.ClientSession, config_for: MakeConfig
) -> None:
    # Two more attempts than production and a lenient breaker: the test is about retries
    # finishing the walk, and must not fail on a four-in-a-row streak (p = 0.3**6 per page).
    config = config_for(
        retry=RetryPolicy(attempts=6, base_delay=0.01, max_delay=0.05), breaker_threshold=50
    )
    client = build_client(config, http, MemoryTokenStorage())
    clean = await client.people.list(statuses=ALL_STATUSES)
    await faults(sandbox, error_rate=0.3, error_status=503, methods=["GET"])
    await reset_counters(sandbox)

    flaky = await client.people.list(statuses=ALL_STATUSES)

    assert [p.id for p in flaky] == [p.id for p in clean]
    counters = await sandbox.counters(VENDOR)
    assert counters["injected"].get("503", 0) > 0
    assert counters["statuses"]["200"] == -(-len(clean) // 50)  # each page served once


async def test_the_client_side_limit_keeps_a_130_call_burst_free_of_429s(
    sandbox: RunningSandbox, http: aiohttp.ClientSession, config_for: MakeConfig
) -> None:
    window_s = 4.0  # the vendor's 120 a minute, with our minute shrunk to 4 s
    limiter = RateLimiter(120, window_s)
    client = build_client(config_for(), http, MemoryTokenStorage(), limiter=limiter)
    await client.tokens.token()  # token calls are not rate limited
    started = time.monotonic()

    calls = [asyncio.create_task(client.account.get()) for _ in range(130)]
    # The limiter's lock is first come, first served: the first 120 calls take the window.
    _, late = await asyncio.wait(calls[:120], timeout=window_s)
    await asyncio.sleep(0.2)

    assert not late
    assert not any(c.done() for c in calls[120:])  # the 121st waits for the window to roll
    counters = await sandbox.counters(VENDOR)
    assert counters["routes"] == {"GET /api/account": 120, "POST /connect/oauth/token": 1}
    # The vendor's minute passes before ours (4 s) does: the held calls meet a fresh window.
    await sandbox.control("POST", "/clock/advance", json={"seconds": 60})
    results = await asyncio.gather(*calls)

    assert len(results) == 130
    assert time.monotonic() - started >= window_s
    counters = await sandbox.counters(VENDOR)
    assert counters["statuses"] == {"200": 131}
    state = await sandbox.control("GET", f"/vendors/{VENDOR}")
    assert state["rate_limit"]["rejected"] == 0


async def test_without_the_client_limit_the_121st_call_is_refused_with_the_wait(
    sandbox: RunningSandbox, http: aiohttp.ClientSession, config_for: MakeConfig
) -> None:
    unlimited = RateLimiter(10_000, 60.0)
    client = build_client(config_for(), http, MemoryTokenStorage(), limiter=unlimited)
    await client.tokens.token()

    outcomes = await asyncio.gather(
        *(client.account.get() for _ in range(121)), return_exceptions=True
    )

    refused = [o for o in outcomes if isinstance(o, BaseException)]
    assert len(refused) == 1
    assert isinstance(refused[0], VendorRateLimitedError)
    # The vendor wants most of a minute: more than we sleep for one call, so it fails now
    # and the limiter holds every later call until the window resets.
    assert refused[0].retry_after is not None
    assert 1 <= refused[0].retry_after <= 60
    assert unlimited.paused_until > unlimited.clock()


def test_clients_of_one_account_share_one_limiter(
    config_for: MakeConfig, http: aiohttp.ClientSession
) -> None:
    limiters = AccountLimiters()
    storage = MemoryTokenStorage()
    first = build_client(config_for(), http, storage, limiters=limiters)
    second = build_client(config_for(grant="authorization_code"), http, storage, limiters=limiters)
    other = build_client(config_for(account="another"), http, storage, limiters=limiters)

    assert first.http.limiter is second.http.limiter
    assert first.http.limiter is not other.http.limiter
    assert first.http.limiter is not None
    assert (first.http.limiter.limit, first.http.limiter.window_s) == (120, 60.0)
