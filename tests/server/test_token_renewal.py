"""Vendor tokens are renewed as a request arrives, once, and a refused login costs nothing
to the requests that do not need that vendor."""

from __future__ import annotations

import asyncio
from typing import Any

import aiohttp
import pytest

from concierge.resolvers.store.sql import SqlStore
from concierge.server.backends import open_backends
from concierge.server.settings import Settings
from concierge.server.vendors import build_services
from tests.conftest import RunningSandbox
from tests.schema.graphs import Graph

TOKEN_ROUTES = {
    "butterflymx": "POST /accounts/oauth/token",
    "remotelock": "POST /connect/oauth/token",
    "butlr": "POST /api/v2/clients/login",
}


@pytest.fixture
def concierge_settings(sandbox: RunningSandbox) -> Settings:
    """The server on this module's own sandbox: faults can be set before its first request."""
    return Settings(sandbox_url=sandbox.control_url, demo_activity_s=0)


async def _token_requests(graph: Graph) -> dict[str, int]:
    counters: dict[str, Any] = await graph.sandbox("GET", "/counters")
    return {v: counters[v]["routes"].get(route, 0) for v, route in TOKEN_ROUTES.items()}


async def _settled_token_requests(graph: Graph) -> dict[str, int]:
    """The token request counts once every renewal has been answered."""
    for _ in range(100):
        seen = await _token_requests(graph)
        if all(seen.values()):
            return seen
        await asyncio.sleep(0.02)
    return await _token_requests(graph)


async def test_the_first_request_renews_every_missing_token_once(graph: Graph) -> None:
    # `{ sandboxControlUrl }` reads no vendor, yet a server without tokens starts them.
    assert "errors" not in await graph.query("{ sandboxControlUrl }")
    assert await _settled_token_requests(graph) == {v: 1 for v in TOKEN_ROUTES}

    building = "{ buildings(first: 1) { edges { node { name spaces { name } } } } }"
    answer = await graph.query(building)

    assert "errors" not in answer, answer["errors"]
    assert await _token_requests(graph) == {v: 1 for v in TOKEN_ROUTES}


async def test_a_vendor_refusing_logins_fails_only_its_own_fields(
    graph: Graph, sandbox: RunningSandbox
) -> None:
    # Set before the server's first request, so its RemoteLock renewal is the one refused.
    await sandbox.control("PATCH", "/faults/remotelock", json={"error_rate": 1})

    plain = await graph.query("{ vendors { vendor } }")
    doors = await graph.query(
        "{ buildings(first: 1) { edges { node { name accessPoints { id } doors { id } } } } }"
    )

    assert "errors" not in plain
    assert len(plain["data"]["vendors"]) == 3
    node = doors["data"]["buildings"]["edges"][0]["node"]
    assert node["name"]  # ButterflyMX's part still answers
    assert node["accessPoints"]
    assert {e["extensions"]["vendor"] for e in doors["errors"]} == {"remotelock"}


async def test_after_a_failed_login_requests_leave_the_vendor_alone_for_a_while(
    sandbox: RunningSandbox, http: aiohttp.ClientSession, store: SqlStore
) -> None:
    settings = Settings(sandbox_url=sandbox.control_url)
    services = build_services(settings, await open_backends(settings, http), http, store=store)
    await sandbox.control("PATCH", "/faults/butlr", json={"error_rate": 1})

    first = services.renew_tokens()
    await asyncio.gather(*first, return_exceptions=True)
    again = [services.renew_tokens() for _ in range(3)]

    assert len(first) == 3  # nothing held yet: all three start
    assert again == [[], [], []]  # two held, Butlr failed a moment ago
    counters = await sandbox.counters("butlr")
    assert counters["routes"][TOKEN_ROUTES["butlr"]] == 1
