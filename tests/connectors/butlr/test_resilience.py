"""Faults at the sandbox: 429s, 503s on creates, the breaker, flaky reads, the rate limit."""

from __future__ import annotations

import asyncio
import time

import aiohttp
import pytest

from connectors.butlr import ButlrClient, Space, build_client
from connectors.errors import CircuitOpenError, VendorTimeoutError, VendorUnavailableError
from connectors.policy import NO_RETRY, RetryPolicy, Timeouts
from connectors.ratelimit import RateLimiter
from connectors.tokens import MemoryTokenStorage
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

    types = await client.list_room_types()

    assert len(types) == 35
    assert time.monotonic() - started >= 1.0
    counters = await sandbox.counters(VENDOR)
    assert counters["routes"]["GET /api/v2/room-types"] == 2
    assert counters["statuses"]["429"] == 1


@pytest.mark.parametrize("kind", ["rooms", "zones"])
async def test_a_create_is_sent_once_even_when_the_vendor_answers_503(
    kind: str, client: ButlrClient, space: Space, sandbox: RunningSandbox
) -> None:
    before = await client.list_rooms([space.id]) + await client.list_zones([space.id])
    await reset_counters(sandbox)
    await faults(sandbox, fail_next=1, error_status=503, path_contains=f"/{kind}", methods=["POST"])

    create = (
        client.create_room(space.id, name="Nook", type="office", coordinates=SQUARE)
        if kind == "rooms"
        else client.create_zone(space.id, name="Nook", coordinates=[1, 1, 3, 1, 3, 3])
    )
    with pytest.raises(VendorUnavailableError) as caught:
        await create

    assert caught.value.status == 503
    assert await route_count(sandbox, f"POST /api/v2/spaces/{{space_id}}/{kind}") == 1
    after = await client.list_rooms([space.id]) + await client.list_zones([space.id])
    assert len(after) == len(before)


async def test_a_create_that_times_out_is_not_resent(
    sandbox: RunningSandbox, http: aiohttp.ClientSession, config_for: MakeConfig
) -> None:
    client = build_client(
        config_for(timeouts=Timeouts(connect=1.0, total=0.3)), http, MemoryTokenStorage()
    )
    space_id = (await client.list_spaces())[0].id
    await faults(sandbox, timeout_rate=1, hang_s=0.6, path_contains="/rooms", methods=["POST"])

    with pytest.raises(VendorTimeoutError):
        await client.create_room(space_id, name="Nook", type="office", coordinates=SQUARE)

    assert await route_count(sandbox, "POST /api/v2/spaces/{space_id}/rooms") == 1
    await asyncio.sleep(0.4)  # let the sandbox finish hanging before it shuts down


async def test_the_circuit_opens_after_repeated_failures_and_closes_after_recovery(
    sandbox: RunningSandbox, http: aiohttp.ClientSession, config_for: MakeConfig
) -> None:
    config = config_for(retry=NO_RETRY, circuit_threshold=3, circuit_recovery_s=0.3)
    client = build_client(config, http, MemoryTokenStorage())
    await client.tokens.token()
    await faults(sandbox, error_rate=1, error_status=503)

    for _ in range(3):
        with pytest.raises(VendorUnavailableError):
            await client.list_room_types()
    with pytest.raises(CircuitOpenError):
        await client.list_room_types()
    assert await route_count(sandbox, "GET /api/v2/room-types") == 3  # the open circuit sent none

    await sandbox.control("DELETE", f"/faults/{VENDOR}")
    await asyncio.sleep(0.35)
    assert len(await client.list_room_types()) == 35
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
        circuit_threshold=50,
    )
    client = build_client(config, http, MemoryTokenStorage())
    clean = await client.list_sensors()
    await faults(sandbox, error_rate=0.3, error_status=503, methods=["GET"])
    await reset_counters(sandbox)

    flaky = await client.list_sensors()

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

    await asyncio.gather(*(client.list_room_types() for _ in range(8)))

    assert time.monotonic() - started >= 0.5
    assert await route_count(sandbox, "GET /api/v2/room-types") == 8


def test_the_default_limiter_is_generous_and_can_be_turned_off(
    config_for: MakeConfig, http: aiohttp.ClientSession
) -> None:
    limited = build_client(config_for(), http, MemoryTokenStorage())
    unlimited = build_client(config_for(rate_limit_per_minute=None), http, MemoryTokenStorage())

    assert limited.http.limiter is not None
    assert (limited.http.limiter.limit, limited.http.limiter.window_s) == (600, 60.0)
    assert unlimited.http.limiter is None
