"""The sandbox control API: counters, faults, latency settings, clock, tokens, webhook engine."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from dataclasses import dataclass, field

import aiohttp
import pytest
from aiohttp import web

from concierge.sandbox.webhooks import Delivery, RetryPolicy
from tests.conftest import RunningSandbox


@dataclass
class Receiver:
    """A loopback webhook receiver that fails the first `failures` requests."""

    url: str = ""
    failures: int = 0
    bodies: list[bytes] = field(default_factory=list)


@pytest.fixture
async def receiver() -> AsyncIterator[Receiver]:
    state = Receiver()

    async def hook(request: web.Request) -> web.Response:
        state.bodies.append(await request.read())
        if state.failures > 0:
            state.failures -= 1
            return web.Response(status=500)
        return web.Response(status=204)

    app = web.Application()
    app.router.add_post("/hook", hook)
    runner = web.AppRunner(app, access_log=None)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    port = runner.addresses[0][1]
    state.url = f"http://127.0.0.1:{port}/hook"
    yield state
    await runner.cleanup()


async def _get(http: aiohttp.ClientSession, url: str) -> int:
    async with http.get(url) as response:
        await response.read()
        return response.status


async def test_info_names_every_vendor_with_urls_and_credentials(sandbox: RunningSandbox) -> None:
    info = await sandbox.control("GET", "")
    assert info == sandbox.info
    assert set(info["vendors"]) == {"butterflymx", "remotelock", "butlr"}
    for vendor in info["vendors"].values():
        assert vendor["api_url"].startswith(info["root_url"])
        assert vendor["auth_url"].startswith(info["root_url"])
        assert vendor["credentials"]["client_id"]


async def test_counters_count_by_route_template_and_reset_per_vendor(
    sandbox: RunningSandbox, http: aiohttp.ClientSession
) -> None:
    root = sandbox.info["root_url"]
    for _ in range(3):
        await _get(http, f"{root}/butlr/no/such/route")
    await _get(http, f"{root}/remotelock/no/such/route")
    butlr = await sandbox.counters("butlr")
    assert butlr["total"] == 3
    assert butlr["routes"] == {"GET /no/such/route": 3}
    assert butlr["statuses"] == {"404": 3}

    await sandbox.control("DELETE", "/counters?vendor=butlr")
    assert (await sandbox.counters("butlr"))["total"] == 0
    assert (await sandbox.counters("remotelock"))["total"] == 1


async def test_fail_next_injects_vendor_shaped_errors_then_heals(
    sandbox: RunningSandbox, http: aiohttp.ClientSession
) -> None:
    root = sandbox.info["root_url"]
    await sandbox.control("PATCH", "/faults/butlr", json={"fail_next": 2, "error_status": 503})
    assert [await _get(http, f"{root}/butlr/x") for _ in range(3)] == [503, 503, 404]
    counters = await sandbox.counters("butlr")
    assert counters["injected"] == {"503": 2}


async def test_429_burst_carries_retry_after(
    sandbox: RunningSandbox, http: aiohttp.ClientSession
) -> None:
    root = sandbox.info["root_url"]
    await sandbox.control("PATCH", "/faults/remotelock", json={"burst_429": 1, "retry_after_s": 7})
    async with http.get(f"{root}/remotelock/api/locations") as response:
        assert response.status == 429
        assert response.headers["Retry-After"] == "7"


async def test_error_rate_is_a_share_of_requests(
    sandbox: RunningSandbox, http: aiohttp.ClientSession
) -> None:
    root = sandbox.info["root_url"]
    await sandbox.control("PUT", "/faults/butterflymx", json={"error_rate": 0.5})
    statuses = [await _get(http, f"{root}/butterflymx/nowhere") for _ in range(200)]
    injected = statuses.count(503)
    assert 60 < injected < 140
    assert statuses.count(404) == 200 - injected


async def test_timeouts_hang_then_drop(
    sandbox: RunningSandbox, http: aiohttp.ClientSession
) -> None:
    root = sandbox.info["root_url"]
    await sandbox.control("PATCH", "/faults/butlr", json={"timeout_rate": 1, "hang_s": 1})
    with pytest.raises(TimeoutError):
        async with http.get(f"{root}/butlr/x", timeout=aiohttp.ClientTimeout(total=0.3)):
            pass


async def test_faults_can_be_scoped_to_a_path(
    sandbox: RunningSandbox, http: aiohttp.ClientSession
) -> None:
    root = sandbox.info["root_url"]
    await sandbox.control("PATCH", "/faults/butlr", json={"error_rate": 1, "path_contains": "/a/"})
    assert await _get(http, f"{root}/butlr/a/1") == 503
    assert await _get(http, f"{root}/butlr/b/1") == 404
    await sandbox.control("DELETE", "/faults/butlr")
    assert await _get(http, f"{root}/butlr/a/1") == 404


@pytest.mark.parametrize(
    "body",
    [{"error_rate": 2}, {"nonsense": 1}, {"latency_ms": -5}, {"methods": "GET"}],
)
async def test_bad_fault_settings_are_rejected_with_a_reason(
    sandbox: RunningSandbox, http: aiohttp.ClientSession, body: dict[str, object]
) -> None:
    async with http.patch(f"{sandbox.control_url}/faults/butlr", json=body) as response:
        assert response.status == 400
        assert "fault setting" in (await response.json())["error"]


async def test_latency_applies_to_every_vendor(sandbox: RunningSandbox) -> None:
    faults = await sandbox.control("PUT", "/latency", json={"latency_ms": 50, "jitter_ms": 5})
    assert {v["latency_ms"] for v in faults.values()} == {50.0}
    assert {v["jitter_ms"] for v in faults.values()} == {5.0}


async def test_unknown_vendor_and_malformed_bodies_get_clear_errors(
    sandbox: RunningSandbox, http: aiohttp.ClientSession
) -> None:
    async with http.patch(f"{sandbox.control_url}/faults/acme", json={}) as response:
        assert response.status == 404
        assert "unknown vendor" in (await response.json())["error"]
    async with http.post(
        f"{sandbox.control_url}/clock/advance",
        data="{oops",
        headers={"Content-Type": "application/json"},
    ) as response:
        assert response.status == 400
        assert "not valid JSON" in (await response.json())["error"]
    async with http.post(f"{sandbox.control_url}/clock/advance", json={"seconds": -1}) as response:
        assert response.status == 400


async def test_clock_only_moves_forward(sandbox: RunningSandbox) -> None:
    before = await sandbox.control("GET", "/clock")
    after = await sandbox.control("POST", "/clock/advance", json={"seconds": 7200})
    assert after["offset_s"] == before["offset_s"] + 7200
    assert after["time"] - before["time"] >= 7200


async def test_the_sitemap_is_the_worlds(sandbox: RunningSandbox) -> None:
    site = await sandbox.control("GET", "/sitemap")
    assert site == sandbox.sandbox.world.site_map()


async def test_webhook_engine_retries_until_delivered(
    sandbox: RunningSandbox, receiver: Receiver
) -> None:
    receiver.failures = 2
    await sandbox.control("PUT", "/webhooks", json={"retry_interval_s": 0.05})
    delivery = sandbox.sandbox.webhooks.enqueue(
        Delivery(
            vendor="butlr",
            url=receiver.url,
            body=b'{"hello": 1}',
            policy=RetryPolicy(interval_s=3600, give_up_after_s=86_400, timeout_s=2),
        )
    )
    for _ in range(100):
        if delivery.state != "pending":
            break
        await asyncio.sleep(0.05)
    assert delivery.state == "delivered"
    assert [a.status for a in delivery.attempts] == [500, 500, 204]
    assert receiver.bodies == [b'{"hello": 1}'] * 3
    log = await sandbox.control("GET", "/webhooks?vendor=butlr")
    assert log["deliveries"][0]["attempts"][-1]["status"] == 204


async def test_webhook_engine_gives_up_after_the_policy_age(
    sandbox: RunningSandbox, receiver: Receiver
) -> None:
    receiver.failures = 1000
    given_up: list[int] = []
    delivery = sandbox.sandbox.webhooks.enqueue(
        Delivery(
            vendor="butlr",
            url=receiver.url,
            body=b"{}",
            policy=RetryPolicy(interval_s=3600, give_up_after_s=3 * 3600, timeout_s=2),
            on_give_up=lambda d: given_up.append(d.id),
        )
    )
    for _ in range(4):
        await asyncio.sleep(0.2)
        await sandbox.control("POST", "/clock/advance", json={"seconds": 3600})
    for _ in range(50):
        if delivery.state != "pending":
            break
        await asyncio.sleep(0.05)
    assert delivery.state == "failed"
    assert given_up == [delivery.id]
    assert 3 <= len(delivery.attempts) <= 4
