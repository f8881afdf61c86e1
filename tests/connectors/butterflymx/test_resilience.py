"""Retries, rate limits, timeouts and the circuit breaker against an unhealthy sandbox."""

from __future__ import annotations

import asyncio
import time
from datetime import UTC, datetime, timedelta

import aiohttp
import pytest

from concierge.connectors.butterflymx import ButterflyMXClient, build_client
from concierge.connectors.errors import (
    CircuitOpenError,
    VendorTimeoutError,
    VendorUnavailableError,
)
from concierge.connectors.policy import NO_RETRY, RetryPolicy, Timeouts
from concierge.connectors.tokens import MemoryTokenStorage
from tests.conftest import RunningSandbox
from tests.connectors.butterflymx.conftest import ConfigFactory, reset_counters, route_count

FAULTS = "/faults/butterflymx"


async def test_a_429_is_waited_out_for_as_long_as_retry_after_says(
    client: ButterflyMXClient, sandbox: RunningSandbox
) -> None:
    await client.me.get()
    await sandbox.control("PATCH", FAULTS, json={"burst_429": 1, "retry_after_s": 1})
    await reset_counters(sandbox)
    started = time.monotonic()
    buildings = await client.buildings.list()
    assert len(buildings) == 3
    assert time.monotonic() - started >= 1.0
    counters = await sandbox.counters("butterflymx")
    assert counters["routes"]["GET /api/v3/buildings"] == 2
    assert counters["injected"] == {"429": 1}


async def test_door_release_is_sent_once_even_when_the_vendor_answers_503(
    resident: ButterflyMXClient, sandbox: RunningSandbox
) -> None:
    tenant = (await resident.tenants.list())[0]
    point = (await resident.access_points.list(building_ids=[tenant.building_id]))[0]
    await sandbox.control("PATCH", FAULTS, json={"fail_next": 1, "error_status": 503})
    await reset_counters(sandbox)
    with pytest.raises(VendorUnavailableError) as failed:
        await resident.doors.unlock(tenant.id, access_point_id=point.id)
    assert failed.value.status == 503
    assert await route_count(sandbox, "POST /api/v4/door_release_requests") == 1


async def test_issuing_a_keychain_is_not_retried_on_503(
    resident: ButterflyMXClient, sandbox: RunningSandbox
) -> None:
    me = await resident.me.get(include=["tenants"])
    await sandbox.control("PATCH", FAULTS, json={"fail_next": 1, "error_status": 503})
    await reset_counters(sandbox)
    start = datetime(2030, 1, 1, tzinfo=UTC)
    with pytest.raises(VendorUnavailableError):
        await resident.keychains.create_custom(
            "Once",
            starts_at=start,
            ends_at=start + timedelta(days=1),
            unit_id=me.tenants[0].unit_id,
        )
    assert await route_count(sandbox, "POST /api/v3/me/keychains/custom") == 1


async def test_reads_are_retried_through_a_503(
    client: ButterflyMXClient, sandbox: RunningSandbox
) -> None:
    await client.me.get()
    await sandbox.control("PATCH", FAULTS, json={"fail_next": 2, "error_status": 503})
    await reset_counters(sandbox)
    assert len(await client.buildings.list()) == 3
    assert await route_count(sandbox, "GET /api/v3/buildings") == 3


async def test_circuit_opens_after_repeated_failures_and_closes_after_recovery(
    make_config: ConfigFactory, http: aiohttp.ClientSession, sandbox: RunningSandbox
) -> None:
    config = make_config(retry=NO_RETRY, breaker_threshold=3, breaker_probe_s=0.3)
    client = build_client(config, http, MemoryTokenStorage())
    await client.me.get()
    await sandbox.control("PATCH", FAULTS, json={"error_rate": 1, "error_status": 503})
    await reset_counters(sandbox)
    for _ in range(3):
        with pytest.raises(VendorUnavailableError) as failed:
            await client.buildings.list()
        assert not isinstance(failed.value, CircuitOpenError)
    with pytest.raises(CircuitOpenError):
        await client.buildings.list()
    assert await route_count(sandbox, "GET /api/v3/buildings") == 3  # the 4th never left
    await sandbox.control("DELETE", FAULTS)
    await asyncio.sleep(0.35)
    assert len(await client.buildings.list()) == 3  # the half-open probe succeeds
    assert len(await client.buildings.list()) == 3  # and the circuit is closed again


async def test_a_full_listing_completes_through_a_30_percent_fault_rate(
    make_config: ConfigFactory, http: aiohttp.ClientSession, sandbox: RunningSandbox
) -> None:
    patient = RetryPolicy(attempts=8, base_delay=0.01, max_delay=0.05)
    client = build_client(
        make_config(retry=patient, breaker_threshold=50), http, MemoryTokenStorage()
    )
    await client.me.get()
    await sandbox.control(
        "PATCH", FAULTS, json={"error_rate": 0.3, "error_status": 503, "methods": ["GET"]}
    )
    releases = await client.door_releases.list()
    assert len({r.id for r in releases}) == 420
    counters = await sandbox.counters("butterflymx")
    assert counters["injected"].get("503", 0) > 0


async def test_a_vendor_slower_than_the_timeout_is_a_timeout_error(
    make_config: ConfigFactory, http: aiohttp.ClientSession, sandbox: RunningSandbox
) -> None:
    config = make_config(retry=NO_RETRY, timeouts=Timeouts(connect=1.0, total=0.2))
    client = build_client(config, http, MemoryTokenStorage())
    await client.me.get()
    await sandbox.control("PATCH", FAULTS, json={"latency_ms": 600})
    with pytest.raises(VendorTimeoutError):
        await client.buildings.list()


async def test_the_optional_rate_limit_holds_calls_beyond_the_budget(
    make_config: ConfigFactory, http: aiohttp.ClientSession
) -> None:
    limited = build_client(make_config(rate_limit_per_minute=3), http, MemoryTokenStorage())
    await limited.me.get()  # the token request and this call: two of three slots
    await limited.buildings.list()
    with pytest.raises(TimeoutError):
        await asyncio.wait_for(limited.buildings.list(), timeout=0.3)
    unlimited = build_client(make_config(rate_limit_per_minute=None), http, MemoryTokenStorage())
    for _ in range(5):
        await unlimited.buildings.list()
