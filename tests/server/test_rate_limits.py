"""Per-principal rate limits cover every transport: HTTP requests, SSE streams and each
WebSocket operation take from one budget; past it an HTTP request gets 429 and a WebSocket
operation an error of its own while the connection stays. With Redis the budget is one
for all replicas."""

from __future__ import annotations

import json
import uuid
from contextlib import AsyncExitStack
from dataclasses import replace
from typing import Any

import aiohttp
import pytest
from redis.asyncio import Redis

from concierge.server.ratelimit import RateLimiter
from tests.conftest import running_server, serve
from tests.server.authgraph import AuthGraph, token
from tests.server.test_auth import SETTINGS

QUERY = "{ vendors { vendor } }"
# Answers at once (the room does not exist); Strawberry's legacy graphql-ws runs only
# subscriptions.
SUBSCRIPTION = 'subscription { occupancy(roomId: "Um9vbTpidXRscjpyb29tXzE=") { count } }'
LIMITED = replace(SETTINGS, rate_limit_per_minute=3)
START = {"graphql-transport-ws": "subscribe", "graphql-ws": "start"}


async def _operation(ws: aiohttp.ClientWebSocketResponse, protocol: str, n: int) -> list[Any]:
    """Send operation `n`; the errors of its first answer."""
    body = {"id": str(n), "type": START[protocol], "payload": {"query": SUBSCRIPTION}}
    await ws.send_str(json.dumps(body))
    while True:
        message = json.loads((await ws.receive(timeout=10)).data)
        if message.get("id") == str(n) and message["type"] != "complete":
            payload = message["payload"]
            errors = payload if isinstance(payload, list) else payload.get("errors", [payload])
            return list(errors)


def _code(error: Any) -> str | None:
    return error.get("extensions", {}).get("code")


@pytest.mark.parametrize("protocol", list(START))
async def test_websocket_operations_share_the_principals_budget_and_the_connection_stays(
    http: aiohttp.ClientSession, protocol: str
) -> None:
    credential = token(role="admin", sub=f"ws-{protocol}")
    async with serve(LIMITED) as url:
        graph = AuthGraph(url, http, credential)
        assert (await graph.post(QUERY))[0] == 200  # one of three over HTTP
        async with http.ws_connect(
            url.replace("http", "ws") + "/graphql", protocols=[protocol]
        ) as ws:
            init = {"Authorization": f"Bearer {credential}"}
            await ws.send_str(json.dumps({"type": "connection_init", "payload": init}))
            assert json.loads((await ws.receive(timeout=10)).data)["type"] == "connection_ack"
            for n in (1, 2):  # run (their own answer: no such room)
                assert [_code(e) for e in await _operation(ws, protocol, n)] == ["NOT_FOUND"]
            (refused,) = await _operation(ws, protocol, 3)
            assert _code(refused) == "RATE_LIMITED", refused
            assert refused["extensions"]["retryAfter"] >= 1
            assert not ws.closed
            if protocol == "graphql-transport-ws":
                await ws.send_str(json.dumps({"type": "ping"}))
                kinds = [json.loads((await ws.receive(timeout=10)).data)["type"]]
                while kinds[-1] == "complete":  # the operations' ends, then the answer
                    kinds.append(json.loads((await ws.receive(timeout=10)).data)["type"])
                assert kinds[-1] == "pong", kinds
        # The budget is the principal's: HTTP is refused too now, another principal is not.
        assert (await graph.post(QUERY))[0] == 429
        other = AuthGraph(url, http, token(role="admin", sub=f"other-{protocol}"))
        assert (await other.post(QUERY))[0] == 200


async def test_sse_streams_take_from_the_budget_and_get_429_past_it(
    http: aiohttp.ClientSession,
) -> None:
    credential = token(role="admin", sub="sse")
    headers = {"accept": "text/event-stream", "Authorization": f"Bearer {credential}"}
    async with serve(LIMITED) as url:
        statuses = []
        for _ in range(4):
            async with http.post(
                f"{url}/graphql", json={"query": SUBSCRIPTION}, headers=headers
            ) as response:
                statuses.append(response.status)
                if response.status == 429:
                    assert int(response.headers["Retry-After"]) >= 1
        assert statuses == [200, 200, 200, 429]


@pytest.mark.requires_redis
async def test_with_redis_the_budget_is_shared_by_the_replicas(
    http: aiohttp.ClientSession,
) -> None:
    # A namespace of this run's own: buckets outlive the servers by a minute.
    settings = replace(
        LIMITED,
        redis_url="redis://127.0.0.1:6379/15",
        cache_namespace=f"ratelimit-{uuid.uuid4().hex}",
    )
    credential = token(role="admin", sub="shared")
    async with AsyncExitStack() as stack:
        one, two = [await stack.enter_async_context(running_server(settings)) for _ in range(2)]
        first, second = AuthGraph(one, http, credential), AuthGraph(two, http, credential)
        statuses = [
            (await first.post(QUERY))[0],
            (await second.post(QUERY))[0],
            (await first.post(QUERY))[0],
            (await second.post(QUERY))[0],
        ]
        assert statuses == [200, 200, 200, 429]


async def test_when_redis_cannot_answer_each_replica_limits_on_its_own(
    caplog: pytest.LogCaptureFixture,
) -> None:
    limiter = RateLimiter(3)
    unreachable = Redis.from_url("redis://127.0.0.1:1/0", socket_connect_timeout=1)
    limiter.share(unreachable)
    try:
        waits = [await limiter.take("p") for _ in range(4)]
    finally:
        await unreachable.aclose()
    assert waits[:3] == [None, None, None]
    assert waits[3] is not None
    assert waits[3] > 0
    assert sum("fall back" in r.message for r in caplog.records) == 1  # said once


async def test_joining_a_running_subscription_takes_from_the_budget_too(
    http: aiohttp.ClientSession,
) -> None:
    """Subscribers to one room share one execution, yet each subscribe is the principal's:
    past the budget it is refused, and the subscriptions already running go on."""
    credential = token(role="admin", sub="joiner")
    async with serve(LIMITED) as url:
        room = (await AuthGraph(url, http, credential).query("{ spaces { rooms { id } } }"))[
            "data"
        ]["spaces"][0]["rooms"][0]["id"]
        query = "subscription($id: ID!) { occupancy(roomId: $id) { count } }"
        async with http.ws_connect(
            url.replace("http", "ws") + "/graphql", protocols=["graphql-transport-ws"]
        ) as ws:
            init = {"Authorization": f"Bearer {credential}"}
            await ws.send_str(json.dumps({"type": "connection_init", "payload": init}))
            assert json.loads((await ws.receive(timeout=10)).data)["type"] == "connection_ack"
            answers: dict[str, str] = {}
            for n in ("1", "2", "3"):  # the query above took the first of three
                body = {"query": query, "variables": {"id": room}}
                await ws.send_str(json.dumps({"id": n, "type": "subscribe", "payload": body}))
            while len(answers) < 3:
                message = json.loads((await ws.receive(timeout=10)).data)
                answers.setdefault(message["id"], message["type"])
                if message["type"] == "error":
                    assert _code(message["payload"][0]) == "RATE_LIMITED"
            assert answers == {"1": "next", "2": "next", "3": "error"}
