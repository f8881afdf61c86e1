"""A login outage costs a bounded number of login attempts, however many callers wait."""

from __future__ import annotations

import asyncio

import aiohttp

from concierge.connectors.butlr.client import ButlrClient, build_client
from concierge.connectors.errors import VendorUnavailableError
from concierge.connectors.policy import NO_RETRY
from concierge.connectors.tokens import MemoryTokenStorage
from tests.conftest import RunningSandbox
from tests.connectors.butlr.conftest import MakeConfig


async def test_callers_queued_behind_a_failed_login_share_its_error(
    sandbox: RunningSandbox, http: aiohttp.ClientSession, config_for: MakeConfig
) -> None:
    config = config_for(retry=NO_RETRY, breaker_threshold=1000)
    client = build_client(config, http, MemoryTokenStorage())
    await sandbox.control("PATCH", "/faults/butlr", json={"error_rate": 1, "error_status": 503})
    outcomes = await asyncio.gather(
        *(client.spaces.list() for _ in range(20)), return_exceptions=True
    )
    assert all(isinstance(o, VendorUnavailableError) for o in outcomes)
    counters = await sandbox.counters("butlr")
    assert counters["routes"] == {"POST /api/v2/clients/login": 1}


async def test_concurrent_callers_share_failed_logins_until_the_circuit_opens(
    sandbox: RunningSandbox, client: ButlrClient
) -> None:
    await sandbox.control("PATCH", "/faults/butlr", json={"error_rate": 1, "error_status": 503})
    outcomes = await asyncio.gather(
        *(client.spaces.list() for _ in range(20)), return_exceptions=True
    )
    assert all(isinstance(o, VendorUnavailableError) for o in outcomes)
    counters = await sandbox.counters("butlr")
    # Callers queued behind a failed login share its error; each retry round makes at most
    # one attempt, and the circuit opens after five failures: not 20 callers x 4 tries.
    assert counters["routes"] == {"POST /api/v2/clients/login": 5}


async def test_a_login_that_fails_once_is_retried_for_a_read(
    sandbox: RunningSandbox, client: ButlrClient
) -> None:
    await sandbox.control("PATCH", "/faults/butlr", json={"fail_next": 1, "error_status": 503})
    assert await client.spaces.list()
    counters = await sandbox.counters("butlr")
    assert counters["routes"]["POST /api/v2/clients/login"] == 2
