"""The account's rate limit: 120 API requests a minute, X-RateLimit-* headers, 429 after."""

from __future__ import annotations

import asyncio
import math

from tests.conftest import RunningSandbox
from tests.sandbox.remotelock.conftest import RemoteLock


async def test_every_api_response_carries_rate_limit_headers(rl: RemoteLock) -> None:
    first = await rl.get("/locations")
    second = await rl.get("/locations/nope")
    assert first.headers["X-RateLimit-Limit"] == "120"
    assert first.headers["X-RateLimit-Remaining"] == "119"
    assert second.headers["X-RateLimit-Remaining"] == "118"
    assert int(first.headers["X-RateLimit-Reset"]) > 0


async def test_121st_request_in_a_minute_gets_429_until_the_window_resets(
    rl: RemoteLock, sandbox: RunningSandbox
) -> None:
    replies = await asyncio.gather(*(rl.get("/locations?per_page=1") for _ in range(120)))
    assert {r.status for r in replies} == {200}
    assert min(int(r.headers["X-RateLimit-Remaining"]) for r in replies) == 0
    refused = await rl.get("/locations")
    assert refused.status == 429
    assert refused.body == {
        "message": "Your account has exceeded the rate limit. Check the X-RateLimit-* headers."
    }
    assert refused.headers["X-RateLimit-Limit"] == "120"
    assert refused.headers["X-RateLimit-Remaining"] == "0"
    reset = int(refused.headers["X-RateLimit-Reset"])
    clock = await sandbox.control("GET", "/clock")
    assert 0 < reset - clock["time"] <= 61
    assert 1 <= int(refused.headers["Retry-After"]) <= math.ceil(reset - clock["time"]) + 1
    state = await sandbox.control("GET", "/vendors/remotelock")
    window = next(iter(state["rate_limit"]["windows"].values()))
    assert window["used"] == 120
    assert state["rate_limit"]["rejected"] == 1

    # A new token does not help: the limit is per account. The token endpoint isn't counted.
    other = await rl.client_credentials()
    assert (await rl.get("/locations", token=other)).status == 429

    await sandbox.control("POST", "/clock/advance", json={"seconds": 61})
    again = await rl.get("/locations", token=other)
    assert again.status == 200
    assert again.headers["X-RateLimit-Remaining"] == "119"


async def test_injected_429_uses_the_vendor_body_and_headers(
    rl: RemoteLock, sandbox: RunningSandbox
) -> None:
    await sandbox.control("PATCH", "/faults/remotelock", json={"burst_429": 1, "retry_after_s": 7})
    reply = await rl.get("/locations")
    assert reply.status == 429
    assert set(reply.body) == {"message"}
    assert reply.headers["Retry-After"] == "7"
    assert "X-RateLimit-Reset" in reply.headers
    await sandbox.control("PATCH", "/faults/remotelock", json={"fail_next": 1, "error_status": 503})
    failed = await rl.get("/locations")
    assert failed.status == 503
    assert failed.body == {"message": "Service Unavailable", "type": "service_unavailable"}
    assert (await rl.get("/locations")).status == 200
