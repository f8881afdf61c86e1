"""A caller's deadline bounds every vendor call made in its context, retries included."""

from __future__ import annotations

import time

import aiohttp
import pytest

from concierge.connectors.errors import VendorTimeoutError, VendorUnavailableError
from concierge.connectors.http import VendorHTTP
from concierge.connectors.policy import RetryPolicy, Timeouts, reset_deadline, set_deadline
from tests.conftest import RunningSandbox


async def test_a_hanging_vendor_is_abandoned_at_the_deadline(
    sandbox: RunningSandbox, http: aiohttp.ClientSession
) -> None:
    await sandbox.control("PATCH", "/faults/butlr", json={"timeout_rate": 1, "hang_s": 3})
    transport = VendorHTTP("butlr", http, timeouts=Timeouts(connect=1, total=10))
    token = set_deadline(0.5)
    started = time.monotonic()
    try:
        with pytest.raises(VendorTimeoutError):
            await transport.request("GET", f"{sandbox.info['root_url']}/butlr/api/v2/spaces")
    finally:
        reset_deadline(token)
    assert time.monotonic() - started < 2.0  # not the 10 s timeout, nor 4 attempts of it
    assert (await sandbox.counters("butlr"))["total"] == 1


async def test_no_retry_is_started_that_would_end_after_the_deadline(
    sandbox: RunningSandbox, http: aiohttp.ClientSession
) -> None:
    await sandbox.control("PATCH", "/faults/butlr", json={"error_rate": 1})
    policy = RetryPolicy(attempts=5, base_delay=1.0, max_delay=1.0)
    transport = VendorHTTP("butlr", http, retry=policy)
    token = set_deadline(0.3)
    try:
        with pytest.raises(VendorUnavailableError):
            await transport.request("GET", f"{sandbox.info['root_url']}/butlr/api/v2/spaces")
    finally:
        reset_deadline(token)
    assert (await sandbox.counters("butlr"))["total"] == 1
