"""`connectors.http`: path segments, the retry policy and error translation, over real HTTP."""

from __future__ import annotations

import asyncio
from collections import Counter
from collections.abc import AsyncIterator, Awaitable, Callable
from typing import Any

import aiohttp
import pytest
from aiohttp import web

from concierge.connectors.breaker import CircuitBreaker
from concierge.connectors.butlr import build_client as build_butlr
from concierge.connectors.butterflymx import ButterflyMXConfig
from concierge.connectors.butterflymx import build_client as build_butterflymx
from concierge.connectors.errors import (
    VendorNotFoundError,
    VendorRateLimitedError,
    VendorTimeoutError,
    VendorUnavailableError,
)
from concierge.connectors.http import VendorHTTP, segment
from concierge.connectors.policy import RetryPolicy, Timeouts
from concierge.connectors.remotelock import build_client as build_remotelock
from concierge.connectors.tokens import MemoryTokenStorage
from tests.conftest import RunningSandbox
from tests.connectors.butlr.conftest import make_config as butlr_config
from tests.connectors.remotelock.conftest import make_config as remotelock_config

HOSTILE_ID = "../../x/../y?unlock=1#z"
FAST = RetryPolicy(base_delay=0.01, max_delay=0.05)


def test_segment_encodes_every_character_that_could_leave_the_segment() -> None:
    assert segment(HOSTILE_ID, vendor="v") == "..%2F..%2Fx%2F..%2Fy%3Funlock%3D1%23z"
    assert segment("50%", vendor="v") == "50%25"
    assert segment(42, vendor="v") == "42"


@pytest.mark.parametrize("value", [".", "..", ""])
def test_an_id_that_cannot_be_one_segment_names_nothing(value: str) -> None:
    with pytest.raises(VendorNotFoundError):
        segment(value, vendor="v")


async def _routes_hit(
    sandbox: RunningSandbox, vendor: str, call: Callable[[], Awaitable[Any]]
) -> Counter[str]:
    """The route templates `call` reached (token requests aside), and its error."""
    before = Counter((await sandbox.counters(vendor))["routes"])
    with pytest.raises(VendorNotFoundError):
        await call()
    after = Counter((await sandbox.counters(vendor))["routes"])
    return Counter(
        {k: v for k, v in (after - before).items() if "token" not in k and "login" not in k}
    )


async def test_a_hostile_id_reaches_only_the_intended_route_at_every_vendor(
    sandbox: RunningSandbox, http: aiohttp.ClientSession
) -> None:
    bmx_info = sandbox.vendor("butterflymx")
    creds = bmx_info["credentials"]
    bmx = build_butterflymx(
        ButterflyMXConfig(
            auth_url=bmx_info["auth_url"],
            api_url=bmx_info["api_url"],
            client_id=creds["client_id"],
            client_secret=creds["client_secret"],
            grant="password",
            username=creds["username"],
            password=creds["password"],
            retry=FAST,
        ),
        http,
        MemoryTokenStorage(),
    )
    rl = build_remotelock(remotelock_config(sandbox), http, MemoryTokenStorage())
    butlr = build_butlr(butlr_config(sandbox), http, MemoryTokenStorage())
    for client in (bmx, rl, butlr):
        await client.tokens.token()

    hit = await _routes_hit(sandbox, "butterflymx", lambda: bmx.door_releases.get(HOSTILE_ID))
    assert list(hit) == ["GET /api/v3/door_releases/{id}"]
    hit = await _routes_hit(sandbox, "remotelock", lambda: rl.doors.unlock(HOSTILE_ID))
    assert list(hit) == ["PUT /api/devices/{id}/unlock"]
    hit = await _routes_hit(sandbox, "remotelock", lambda: rl.doors.get(HOSTILE_ID))
    assert list(hit) == ["GET /api/devices/{id}"]
    hit = await _routes_hit(sandbox, "butlr", lambda: butlr.rooms.get("space_1", HOSTILE_ID))
    assert list(hit) == ["GET /api/v2/spaces/{space_id}/rooms/{room_id}"]
    hit = await _routes_hit(sandbox, "remotelock", lambda: rl.doors.unlock(".."))
    assert not hit  # a dot segment is refused before any request


class Scripted:
    """A tiny vendor that answers each request with the next scripted (status, headers)."""

    def __init__(self) -> None:
        self.script: list[tuple[int, dict[str, str]]] = []
        self.requests: list[str] = []
        self.hang_s = 0.0
        self.url = ""

    async def handle(self, request: web.Request) -> web.Response:
        self.requests.append(request.method)
        if self.hang_s:
            await asyncio.sleep(self.hang_s)
        status, headers = self.script.pop(0) if self.script else (200, {})
        return web.json_response({"ok": status < 400}, status=status, headers=headers)


@pytest.fixture
async def vendor() -> AsyncIterator[Scripted]:
    scripted = Scripted()
    app = web.Application()
    app.router.add_route("*", "/thing", scripted.handle)
    runner = web.AppRunner(app, access_log=None)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    server = site._server
    assert server is not None
    port = server.sockets[0].getsockname()[1]  # type: ignore[attr-defined]
    scripted.url = f"http://127.0.0.1:{port}/thing"
    try:
        yield scripted
    finally:
        await runner.cleanup()


class Sleeps:
    """Stands in for `asyncio.sleep` so backoff is recorded instead of waited."""

    def __init__(self) -> None:
        self.delays: list[float] = []

    async def __call__(self, delay: float) -> None:
        self.delays.append(delay)


def _transport(http: aiohttp.ClientSession, sleeps: Sleeps, **kwargs: Any) -> VendorHTTP:
    settings: dict[str, Any] = {"retry": FAST, "breaker": CircuitBreaker("acme", threshold=50)}
    return VendorHTTP("acme", http, sleep=sleeps, **(settings | kwargs))


@pytest.mark.parametrize("method", ["POST", "PUT"])
async def test_a_write_is_never_retried_after_a_503(
    method: str, vendor: Scripted, http: aiohttp.ClientSession
) -> None:
    vendor.script = [(503, {}), (200, {})]
    transport = _transport(http, Sleeps())
    with pytest.raises(VendorUnavailableError):
        # A PUT like RemoteLock's unlock: a physical action, marked not idempotent.
        await transport.request(method, vendor.url, json_body={}, idempotent=False)
    assert vendor.requests == [method]


async def test_a_get_is_retried_after_a_503_and_succeeds(
    vendor: Scripted, http: aiohttp.ClientSession
) -> None:
    vendor.script = [(503, {}), (503, {})]
    sleeps = Sleeps()
    response = await _transport(http, sleeps).request("GET", vendor.url)
    assert response.body == {"ok": True}
    assert vendor.requests == ["GET"] * 3
    assert len(sleeps.delays) == 2


async def test_a_get_waits_out_a_429_for_as_long_as_retry_after_says(
    vendor: Scripted, http: aiohttp.ClientSession
) -> None:
    vendor.script = [(429, {"Retry-After": "2"})]
    sleeps = Sleeps()
    response = await _transport(http, sleeps).request("GET", vendor.url)
    assert response.status == 200
    assert vendor.requests == ["GET", "GET"]
    assert sleeps.delays[0] >= 2.0  # the vendor's wait, not our shorter backoff


async def test_a_429_asking_for_longer_than_we_wait_is_reported_with_its_wait(
    vendor: Scripted, http: aiohttp.ClientSession
) -> None:
    vendor.script = [(429, {"Retry-After": "3600"})]
    with pytest.raises(VendorRateLimitedError) as limited:
        await _transport(http, Sleeps()).request("GET", vendor.url)
    assert limited.value.retry_after == 3600
    assert vendor.requests == ["GET"]


async def test_no_answer_in_time_is_a_vendor_timeout_error(
    vendor: Scripted, http: aiohttp.ClientSession
) -> None:
    vendor.hang_s = 1.0
    transport = _transport(
        http, Sleeps(), timeouts=Timeouts(connect=0.1, total=0.1), retry=RetryPolicy(attempts=1)
    )
    with pytest.raises(VendorTimeoutError) as timed_out:
        await transport.request("GET", vendor.url)
    assert timed_out.value.transient
    assert timed_out.value.vendor == "acme"


async def test_a_refused_connection_is_unavailable_and_even_a_post_is_retried(
    http: aiohttp.ClientSession,
) -> None:
    sleeps = Sleeps()
    transport = _transport(http, sleeps)
    with pytest.raises(VendorUnavailableError):
        # Nothing listens on port 9: the request never left, so resending is safe.
        await transport.request("POST", "http://127.0.0.1:9/thing", idempotent=False)
    assert len(sleeps.delays) == FAST.attempts - 1
