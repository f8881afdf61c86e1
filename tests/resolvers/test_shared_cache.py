"""Two replicas on one Redis: what one fetched the other serves, and invalidation reaches both."""

from __future__ import annotations

import asyncio
import contextlib
import uuid
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import aiohttp
import pytest
import uvicorn
from cryptography.fernet import Fernet, MultiFernet
from starlette.applications import Starlette

from concierge.server.app import AppState, create_app
from concierge.server.settings import Settings
from tests.conftest import RunningSandbox
from tests.schema.graphs import DASHBOARD


@contextlib.asynccontextmanager
async def replica(settings: Settings) -> AsyncIterator[tuple[str, AppState]]:
    app: Starlette = create_app(settings)
    server = uvicorn.Server(
        uvicorn.Config(app, host="127.0.0.1", port=0, log_level="warning", lifespan="on")
    )
    task = asyncio.create_task(server.serve())
    while not server.started:
        assert not task.done(), "uvicorn did not start"
        await asyncio.sleep(0.05)
    try:
        yield (
            f"http://127.0.0.1:{server.servers[0].sockets[0].getsockname()[1]}",
            app.state.concierge,
        )
    finally:
        server.should_exit = True
        await asyncio.wait_for(task, timeout=15)


async def ready(http: aiohttp.ClientSession, url: str) -> None:
    for _ in range(200):
        async with http.get(f"{url}/readyz") as response:
            if response.status == 200:
                return
        await asyncio.sleep(0.05)
    raise AssertionError(f"{url} never became ready")


async def dashboard(http: aiohttp.ClientSession, url: str) -> dict[str, Any]:
    async with http.post(
        f"{url}/graphql", json={"query": DASHBOARD, "variables": {"first": 5}}
    ) as response:
        body: dict[str, Any] = await response.json()
    assert "errors" not in body, body["errors"]
    return body


async def vendor_calls(sandbox: RunningSandbox) -> dict[str, int]:
    counters = await sandbox.control("GET", "/counters")
    return {vendor: c["total"] for vendor, c in counters.items()}


@pytest.mark.requires_redis
async def test_a_dashboard_one_replica_fetched_costs_the_other_no_vendor_call(
    sandbox: RunningSandbox, http: aiohttp.ClientSession, tmp_path: Path
) -> None:
    settings = Settings(
        sandbox_url=sandbox.control_url,
        database_url=f"sqlite:///{tmp_path / 'shared.db'}",
        token_key=Fernet.generate_key().decode(),
        redis_url="redis://127.0.0.1:6379/0",
        cache_namespace=f"test-{uuid.uuid4().hex}",  # a cold shared cache for this test
    )
    async with replica(settings) as (one, state_one), replica(settings) as (two, state_two):
        await ready(http, one)
        await ready(http, two)
        await sandbox.control("POST", "/counters/reset")

        first = await dashboard(http, one)
        assert sum((await vendor_calls(sandbox)).values()) > 0
        await sandbox.control("POST", "/counters/reset")

        second = await dashboard(http, two)
        assert await vendor_calls(sandbox) == {"butterflymx": 0, "remotelock": 0, "butlr": 0}
        assert second == first
        assert state_two.services is not None
        assert state_two.services.cache.shared_hits > 0

        # A write on replica one drops ButterflyMX's entries on both replicas and in Redis.
        assert state_one.services is not None
        state_one.services.cache.invalidate(("butterflymx",))
        await state_one.services.cache.flush()
        for _ in range(200):
            if state_two.services.cache.count(("butterflymx",)) == 0:
                break
            await asyncio.sleep(0.02)
        assert state_two.services.cache.count(("butterflymx",)) == 0
        assert state_two.services.cache.count(("butlr",)) > 0

        await dashboard(http, two)
        calls = await vendor_calls(sandbox)
        assert calls["butterflymx"] > 0
        assert calls["butlr"] == 0


async def test_redis_down_costs_vendor_calls_not_answers() -> None:
    from redis.asyncio import Redis

    from concierge.resolvers.cache import VendorCache
    from concierge.resolvers.shared_cache import RedisTier

    # Port 9 (discard): nothing listens, so every Redis call fails at once.
    redis = Redis.from_url("redis://127.0.0.1:9/0", socket_connect_timeout=0.5)
    seal = MultiFernet([Fernet(Fernet.generate_key())])
    cache = VendorCache(shared=RedisTier(redis, seal, namespace="down"))
    calls = 0

    async def fetch() -> str:
        nonlocal calls
        calls += 1
        return "fresh"

    try:
        assert await cache.get_or_fetch("reference", ("bmx", "a", "x"), fetch) == "fresh"
        assert await cache.get_or_fetch("reference", ("bmx", "a", "x"), fetch) == "fresh"
        assert calls == 1  # the first tier still works
        cache.invalidate(("bmx",))
        await cache.flush()
        assert await cache.get_or_fetch("reference", ("bmx", "a", "x"), fetch) == "fresh"
        assert calls == 2
    finally:
        await cache.close()
        await redis.aclose()
