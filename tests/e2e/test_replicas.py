"""Two server processes share one PostgreSQL (an unlock retried across both is sent once)
and one Redis (a webhook one receives reaches the other's subscribers; their subscribers to
one room cost one Butlr poll per interval between them)."""

from __future__ import annotations

import asyncio
import base64
import json
from contextlib import AsyncExitStack
from pathlib import Path

import aiohttp
import pytest
from cryptography.fernet import Fernet
from gql import Client, GraphQLRequest
from gql.transport.websockets import WebsocketsTransport
from redis.asyncio import Redis

from tests.conftest import RunningSandbox
from tests.e2e.replicas import replica
from tests.resolvers.store.conftest import fresh_postgres_database
from tests.schema.graphs import Graph, building_of
from tests.server.test_operations import REMOTELOCK_DOOR as REMOTELOCK_DOORS
from tests.server.test_subscriptions import (
    OCCUPANCY,
    RawSubscriber,
    eventually,
    first_room,
    reporting_calls,
)
from tests.server.test_unlock_store import _door, _unlock, _unlocks
from tests.server.test_webhooks import _post, _unlocked


@pytest.mark.requires_postgres
async def test_twenty_retries_across_two_processes_on_postgresql_send_one_unlock(
    sandbox: RunningSandbox, http: aiohttp.ClientSession, tmp_path: Path
) -> None:
    async with fresh_postgres_database() as database_url:
        shared = {"database_url": database_url, "token_key": Fernet.generate_key().decode()}
        async with (
            replica(http, sandbox.control_url, tmp_path / "a", **shared) as one,
            replica(http, sandbox.control_url, tmp_path / "b", **shared) as two,
        ):
            graphs = [Graph(one, http), Graph(two, http)]
            door = await _door(graphs[0])
            answers = await asyncio.gather(
                *(_unlock(graphs[i % 2], door, "two-processes") for i in range(20))
            )
    assert await _unlocks(sandbox) == 1
    assert all(a == answers[0] for a in answers)
    assert answers[0]["__typename"] == "UnlockDoorSuccess"


@pytest.mark.requires_redis
async def test_a_webhook_posted_to_one_process_reaches_a_subscriber_on_the_other(
    sandbox: RunningSandbox, http: aiohttp.ClientSession, tmp_path: Path
) -> None:
    redis_url = "redis://127.0.0.1:6379/13"  # a database of its own: topics are global
    shared = {"redis_url": redis_url, "webhook_secret": "e2e-webhook-secret"}
    async with (
        replica(http, sandbox.control_url, tmp_path / "a", **shared) as one,
        replica(http, sandbox.control_url, tmp_path / "b", **shared) as two,
    ):
        doors = building_of(await Graph(one, http).query(REMOTELOCK_DOORS))["doors"]
        door = doors[0]["id"]
        lock = base64.b64decode(door).decode().rsplit(":", 1)[-1]
        transport = WebsocketsTransport(
            url=two.replace("http", "ws") + "/graphql",
            subprotocols=[WebsocketsTransport.GRAPHQLWS_SUBPROTOCOL],
        )
        async with Client(transport=transport) as session:
            request = GraphQLRequest(
                "subscription($door: ID!) { doorEvents(doorId: $door) { id kind door { id } } }",
                variable_values={"door": door},
            )
            stream = session.subscribe(request)
            first = asyncio.ensure_future(anext(stream))
            await asyncio.sleep(1.0)  # the subscription reaches replica two's bus
            body = json.dumps(_unlocked("e2e-across-replicas", lock)).encode()
            assert (
                await _post(http, f"{one}/webhooks/remotelock", body, "e2e-webhook-secret") == 202
            )
            event = (await asyncio.wait_for(first, timeout=10))["doorEvents"]
            await stream.aclose()
    assert event == {
        "id": "remotelock:e2e-across-replicas",
        "kind": "UNLOCKED",
        "door": {"id": door},
    }


POLL_S = 0.5
WINDOW_INTERVALS = 8


@pytest.mark.requires_redis
async def test_hundred_subscribers_on_two_processes_cost_one_butlr_poll_per_interval(
    sandbox: RunningSandbox, http: aiohttp.ClientSession, tmp_path: Path
) -> None:
    redis_url = "redis://127.0.0.1:6379/12"  # a database of its own: leases are global
    redis = Redis.from_url(redis_url)
    await redis.flushdb()
    await redis.aclose()
    shared = {"redis_url": redis_url, "occupancy_poll_s": str(POLL_S)}
    async with (
        replica(http, sandbox.control_url, tmp_path / "a", **shared) as one,
        replica(http, sandbox.control_url, tmp_path / "b", **shared) as two,
    ):
        room_id, room_key = await first_room(http, one)
        clients = [RawSubscriber(url) for url in (one, two)]
        async with AsyncExitStack() as stack:
            for client in clients:
                await stack.enter_async_context(client)
                for n in range(50):
                    await client.subscribe(str(n), OCCUPANCY, id=room_id)
            await eventually(lambda: sum(len(c.latest) for c in clients) == 100)
            counts = {p["data"]["occupancy"]["count"] for c in clients for p in c.latest.values()}
            changed = max(counts) + 3
            await sandbox.control("DELETE", "/counters")
            clock = asyncio.get_running_loop()
            started = clock.time()
            await sandbox.control(
                "POST",
                "/scenarios/butlr/occupancy",
                json={"room_id": room_key.partition(":")[2], "count": changed},
            )
            # Whichever process polled, subscribers on both see the change.
            await eventually(
                lambda: all(
                    p["data"]["occupancy"]["count"] == changed
                    for c in clients
                    for p in c.latest.values()
                )
            )
            await asyncio.sleep(POLL_S * WINDOW_INTERVALS)
            polls = reporting_calls(await sandbox.counters("butlr"))
            intervals = (clock.time() - started) / POLL_S
            assert not any(c.errors for c in clients)
    # One poller between the two processes: both polling would make about 2 x intervals.
    assert 2 <= polls <= intervals + 2, (polls, intervals)
