"""ButterflyMX connector fixtures: clients built the production way against the sandbox."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qs, urlsplit

import aiohttp
import pytest
from aiohttp import web

from concierge.connectors.butterflymx import ButterflyMXClient, ButterflyMXConfig, build_client
from concierge.connectors.policy import RetryPolicy
from concierge.connectors.tokens import MemoryTokenStorage, TokenSet
from tests.conftest import RunningSandbox

TOKEN_ROUTE = "POST /accounts/oauth/token"
# Short backoff keeps the suite fast; the shape of the policy is the production one.
FAST_RETRY = RetryPolicy(attempts=4, base_delay=0.01, max_delay=0.05)
CODE_REDIRECT = "http://127.0.0.1:9/oauth/butterflymx/callback"

ConfigFactory = Callable[..., ButterflyMXConfig]


class RecordingStorage(MemoryTokenStorage):
    """Token storage that remembers every save, in order."""

    def __init__(self) -> None:
        super().__init__()
        self.saved: list[TokenSet] = []

    async def save(self, key: str, tokens: TokenSet) -> None:
        self.saved.append(tokens)
        await super().save(key, tokens)


@pytest.fixture
def bmx(sandbox: RunningSandbox) -> dict[str, Any]:
    return sandbox.vendor("butterflymx")


@pytest.fixture
def make_config(bmx: dict[str, Any]) -> ConfigFactory:
    def make(**overrides: Any) -> ButterflyMXConfig:
        creds = bmx["credentials"]
        settings: dict[str, Any] = {
            "auth_url": bmx["auth_url"],
            "api_url": bmx["api_url"],
            "client_id": creds["client_id"],
            "client_secret": creds["client_secret"],
            "username": creds["username"],
            "password": creds["password"],
            "retry": FAST_RETRY,
        }
        settings.update(overrides)
        return ButterflyMXConfig(**settings)

    return make


@pytest.fixture
def storage() -> RecordingStorage:
    return RecordingStorage()


@pytest.fixture
def client(
    make_config: ConfigFactory, http: aiohttp.ClientSession, storage: RecordingStorage
) -> ButterflyMXClient:
    """The property manager (Building Admin of every building)."""
    return build_client(make_config(), http, storage)


@pytest.fixture
def resident(
    make_config: ConfigFactory, http: aiohttp.ClientSession, bmx: dict[str, Any]
) -> ButterflyMXClient:
    creds = bmx["credentials"]["resident"]
    config = make_config(username=creds["username"], password=creds["password"])
    return build_client(config, http, MemoryTokenStorage())


async def authorization_code(
    http: aiohttp.ClientSession, bmx: dict[str, Any], *, redirect_uri: str = CODE_REDIRECT
) -> str:
    """Log the demo resident in through the sandbox's HTML authorize form."""
    creds = bmx["credentials"]
    form = {
        "client_id": creds["client_id"],
        "redirect_uri": redirect_uri,
        "response_type": "code",
        "username": creds["resident"]["username"],
        "password": creds["resident"]["password"],
        "decision": "allow",
    }
    async with http.post(
        f"{bmx['auth_url']}/oauth/authorize", data=form, allow_redirects=False
    ) as answer:
        assert answer.status == 302, await answer.text()
        location = answer.headers["Location"]
    return parse_qs(urlsplit(location).query)["code"][0]


async def route_count(sandbox: RunningSandbox, route: str) -> int:
    counters = await sandbox.counters("butterflymx")
    return int(counters["routes"].get(route, 0))


async def reset_counters(sandbox: RunningSandbox) -> None:
    await sandbox.control("DELETE", "/counters?vendor=butterflymx")


@dataclass
class Receiver:
    """A webhook receiver on loopback that records what ButterflyMX sends."""

    base_url: str = ""
    requests: list[dict[str, Any]] = field(default_factory=list)


@pytest.fixture
async def receiver() -> AsyncIterator[Receiver]:
    state = Receiver()

    async def record(request: web.Request) -> web.Response:
        state.requests.append(
            {
                "method": request.method,
                "path": request.path,
                "query": dict(request.query),
                "body": await request.read(),
            }
        )
        return web.Response(text="ok")

    app = web.Application()
    app.router.add_route("*", "/{tail:.*}", record)
    runner = web.AppRunner(app, access_log=None)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    state.base_url = f"http://127.0.0.1:{runner.addresses[0][1]}"
    try:
        yield state
    finally:
        await runner.cleanup()
