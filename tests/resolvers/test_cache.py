"""The shared TTL cache: one fetch for concurrent misses, owned by the cache itself."""

from __future__ import annotations

import asyncio

import aiohttp
import pytest

from concierge.resolvers.cache import VendorCache
from tests.schema.graphs import Graph


async def _started(flag: asyncio.Event) -> None:
    await asyncio.wait_for(flag.wait(), timeout=2)


async def test_a_caller_that_goes_away_does_not_cancel_the_others() -> None:
    cache = VendorCache()
    started, release = asyncio.Event(), asyncio.Event()
    calls = 0

    async def fetch() -> str:
        nonlocal calls
        calls += 1
        started.set()
        await release.wait()
        return "answer"

    first = asyncio.ensure_future(cache.get_or_fetch("live", "k", fetch))
    await _started(started)
    second = asyncio.ensure_future(cache.get_or_fetch("live", "k", fetch))
    await asyncio.sleep(0)
    first.cancel()
    await asyncio.sleep(0)
    release.set()
    assert await asyncio.wait_for(second, timeout=2) == "answer"
    assert first.cancelled()
    assert calls == 1
    assert cache.peek("live", "k") == (True, "answer")


async def test_the_answer_is_cached_even_when_every_caller_went_away() -> None:
    cache = VendorCache()
    started = asyncio.Event()

    async def fetch() -> int:
        started.set()
        await asyncio.sleep(0.01)
        return 7

    waiter = asyncio.ensure_future(cache.get_or_fetch("reference", "k", fetch))
    await _started(started)
    waiter.cancel()
    for _ in range(100):
        if cache.peek("reference", "k")[0]:
            break
        await asyncio.sleep(0.01)
    assert cache.peek("reference", "k") == (True, 7)


async def test_a_failure_reaches_every_waiter_and_is_not_cached() -> None:
    cache = VendorCache()
    started, release = asyncio.Event(), asyncio.Event()

    async def fetch() -> int:
        started.set()
        await release.wait()
        raise LookupError("vendor said no")

    first = asyncio.ensure_future(cache.get_or_fetch("live", "k", fetch))
    await _started(started)
    second = asyncio.ensure_future(cache.get_or_fetch("live", "k", fetch))
    await asyncio.sleep(0)
    release.set()
    for waiter in (first, second):
        with pytest.raises(LookupError):
            await waiter
    assert cache.peek("live", "k") == (False, None)


async def test_closing_cancels_fetches_still_running() -> None:
    cache = VendorCache()
    started = asyncio.Event()

    async def fetch() -> int:
        started.set()
        await asyncio.sleep(30)
        return 1

    waiter = asyncio.ensure_future(cache.get_or_fetch("live", "k", fetch))
    await _started(started)
    await cache.close()
    with pytest.raises(asyncio.CancelledError):
        await waiter


SPACES = "{ spaces { id name } }"


async def test_a_disconnected_websocket_does_not_cancel_an_http_request_sharing_its_fetch(
    graph: Graph, concierge_url: str, http: aiohttp.ClientSession
) -> None:
    # Butlr answers slowly, so both requests wait on the same uncached spaces listing.
    await graph.sandbox("PATCH", "/faults/butlr", json={"latency_ms": 600})
    await graph.sandbox("DELETE", "/counters")
    ws = await http.ws_connect(
        f"{concierge_url}/graphql".replace("http", "ws", 1), protocols=["graphql-transport-ws"]
    )
    await ws.send_json({"type": "connection_init"})
    # receive_json: the protocol's messages are text frames, which real clients need.
    assert (await ws.receive_json(timeout=5))["type"] == "connection_ack"
    await ws.send_json({"id": "1", "type": "subscribe", "payload": {"query": SPACES}})
    await asyncio.sleep(0.2)
    request = asyncio.ensure_future(graph.query(SPACES))
    await asyncio.sleep(0.1)
    await ws.close()  # the client goes away: its operation is cancelled
    body = await asyncio.wait_for(request, timeout=10)
    assert "errors" not in body, body
    assert len(body["data"]["spaces"]) >= 1
    counters = await graph.sandbox("GET", "/counters?vendor=butlr")
    listed = {
        route: n
        for route, n in counters["routes"].items()
        if route.startswith("GET /api/v2/spaces")
    }
    assert sum(listed.values()) == 1, listed
