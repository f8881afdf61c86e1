"""Two replicas on one Redis: an event published on the bus reaches subscribers on both.
(One Butlr poll per interval across replicas: tests/e2e/test_replicas.py, as processes.)"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import AsyncExitStack

import aiohttp
import pytest
from redis.asyncio import Redis

from concierge.resolvers.bus import RedisBus
from concierge.resolvers.events import DoorEventData, door_topic, event
from concierge.resolvers.tasks import BackgroundTasks
from concierge.server.settings import Settings
from tests.conftest import RunningSandbox, running_server
from tests.server.test_subscriptions import (
    RawSubscriber,
    eventually,
    node_id,
)

pytestmark = pytest.mark.requires_redis

REDIS_URL = "redis://127.0.0.1:6379/15"  # a database of the tests' own, emptied first
DOOR_EVENTS = (
    "subscription($id: ID!) { doorEvents(doorId: $id) { id kind vendorType door { name } } }"
)


@pytest.fixture
async def replicas(sandbox: RunningSandbox) -> AsyncIterator[list[str]]:
    redis = Redis.from_url(REDIS_URL)
    await redis.flushdb()
    await redis.aclose()
    settings = Settings(
        sandbox_url=sandbox.control_url,
        redis_url=REDIS_URL,
        demo_activity_s=0,
    )
    async with AsyncExitStack() as stack:
        yield [await stack.enter_async_context(running_server(settings)) for _ in range(2)]


async def test_an_event_published_on_the_bus_reaches_subscribers_on_both_replicas(
    replicas: list[str], http: aiohttp.ClientSession
) -> None:
    query = "{ buildings(first: 1) { edges { node { doors { id } } } } }"
    async with http.post(f"{replicas[0]}/graphql", json={"query": query}) as r:
        door_id = (await r.json())["data"]["buildings"]["edges"][0]["node"]["doors"][0]["id"]
    import base64

    door_key = base64.b64decode(door_id).decode().partition(":")[2]
    clients = [RawSubscriber(url) for url in replicas]
    tasks = BackgroundTasks()
    bus = RedisBus(Redis.from_url(REDIS_URL), tasks)  # a third replica, publishing only
    async with AsyncExitStack() as stack:
        for client in clients:
            await stack.enter_async_context(client)
            await client.subscribe("1", DOOR_EVENTS, id=door_id)
        payload = DoorEventData(
            id="remotelock:evt-1",
            kind="UNLOCKED",
            door_key=door_key,
            building_key=None,
            unit_key=None,
            occurred_at="2026-12-02T22:00:00Z",
            vendor="butterflymx",
            vendor_type="door_release.create",
        )

        async def reached() -> int:
            return await bus.publish(event(door_topic(door_key), payload))

        # Both replicas subscribe to the channel asynchronously: publish until both listen.
        for _ in range(100):
            if await reached() >= 2:
                break
            await asyncio.sleep(0.05)
        await eventually(lambda: all("1" in c.latest for c in clients))
        for client in clients:
            got = client.latest["1"]["data"]["doorEvents"]
            assert got["id"] == "remotelock:evt-1"
            assert got["kind"] == "UNLOCKED"
            assert got["door"]["name"]
    await bus.close()
    await tasks.close()
    assert node_id  # imported for symmetry with the single-replica tests
