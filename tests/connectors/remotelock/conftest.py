"""RemoteLock connector fixtures: configs and clients against the running sandbox."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qs, urlsplit

import aiohttp
import pytest
from aiohttp import web

from concierge.connectors.policy import RetryPolicy
from concierge.connectors.remotelock import RemoteLockClient, RemoteLockConfig, build_client
from concierge.connectors.tokens import MemoryTokenStorage
from tests.conftest import RunningSandbox

VENDOR = "remotelock"
CALLBACK = "http://127.0.0.1:9/oauth/remotelock/callback"
TOKEN_ROUTE = "POST /connect/oauth/token"
# Production backoff, shrunk so retried tests stay fast; same attempts and statuses.
FAST_RETRY = RetryPolicy(base_delay=0.01, max_delay=0.05)
WAIT_S = 5.0

MakeConfig = Callable[..., RemoteLockConfig]


def make_config(sandbox: RunningSandbox, **overrides: Any) -> RemoteLockConfig:
    info = sandbox.vendor(VENDOR)
    creds = info["credentials"]
    settings: dict[str, Any] = {
        "client_id": creds["client_id"],
        "client_secret": creds["client_secret"],
        "auth_url": info["auth_url"],
        "api_url": info["api_url"],
        "redirect_uri": CALLBACK,
        "media_type": info["media_type"],
        "retry": FAST_RETRY,
    }
    return RemoteLockConfig(**(settings | overrides))


@pytest.fixture
def config_for(sandbox: RunningSandbox) -> MakeConfig:
    def build(**overrides: Any) -> RemoteLockConfig:
        return make_config(sandbox, **overrides)

    return build


@pytest.fixture
async def client(sandbox: RunningSandbox, http: aiohttp.ClientSession) -> RemoteLockClient:
    """A client-credentials client (the application's own account)."""
    return build_client(make_config(sandbox), http, MemoryTokenStorage())


async def sign_in(sandbox: RunningSandbox, http: aiohttp.ClientSession) -> str:
    """An authorization code, by posting the sandbox's sign-in form as a browser would."""
    info = sandbox.vendor(VENDOR)
    creds = info["credentials"]
    form = {
        "client_id": creds["client_id"],
        "redirect_uri": CALLBACK,
        "response_type": "code",
        "state": "test-state",
        "username": creds["username"],
        "password": creds["password"],
        "decision": "allow",
    }
    async with http.post(
        f"{info['auth_url']}/oauth/authorize", data=form, allow_redirects=False
    ) as response:
        assert response.status == 302, await response.text()
        location = response.headers["Location"]
    query = parse_qs(urlsplit(location).query)
    assert query["state"] == ["test-state"]
    return query["code"][0]


@pytest.fixture
async def code_client(sandbox: RunningSandbox, http: aiohttp.ClientSession) -> RemoteLockClient:
    """A client on the authorization code flow, already authorised."""
    config = make_config(sandbox, grant="authorization_code")
    built = build_client(config, http, MemoryTokenStorage())
    await built.exchange_code(await sign_in(sandbox, http))
    return built


async def route_count(sandbox: RunningSandbox, route: str) -> int:
    counters = await sandbox.counters(VENDOR)
    return int(counters["routes"].get(route, 0))


async def reset_counters(sandbox: RunningSandbox) -> None:
    await sandbox.control("DELETE", f"/counters?vendor={VENDOR}")


async def first_lock(client: RemoteLockClient, *, connected: bool = True) -> str:
    devices = await client.doors.list(types=["lock"])
    return next(d.id for d in devices if d.connected is connected)


@dataclass
class Receiver:
    """A local webhook endpoint that records what arrives."""

    url: str = ""
    requests: list[tuple[dict[str, str], bytes]] = field(default_factory=list)
    arrived: asyncio.Event = field(default_factory=asyncio.Event)

    async def handle(self, request: web.Request) -> web.Response:
        self.requests.append((dict(request.headers), await request.read()))
        self.arrived.set()
        return web.Response(text="ok")

    async def wait_for(self, count: int) -> None:
        async with asyncio.timeout(WAIT_S):
            while len(self.requests) < count:
                self.arrived.clear()
                await self.arrived.wait()


@pytest.fixture
async def receiver() -> AsyncIterator[Receiver]:
    hooks = Receiver()
    app = web.Application()
    app.router.add_post("/hooks", hooks.handle)
    runner = web.AppRunner(app, access_log=None)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    server = site._server
    assert server is not None
    port = server.sockets[0].getsockname()[1]  # type: ignore[attr-defined]
    hooks.url = f"http://127.0.0.1:{port}/hooks"
    try:
        yield hooks
    finally:
        await runner.cleanup()
