"""Subscriptions over real transports: a real `gql` client (graphql-transport-ws and legacy
graphql-ws) follows a ringing call to its end; Butlr is polled once per interval however
many subscribe; unknown IDs are typed errors that start no poller."""

from __future__ import annotations

import asyncio
import base64
import json
import subprocess
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import aiohttp
import pytest
import websockets
from gql import Client, GraphQLRequest
from gql.transport.exceptions import TransportQueryError
from gql.transport.websockets import WebsocketsTransport
from websockets import Subprotocol

from concierge.server.settings import Settings
from tests.conftest import require_tool, running_server

CALL_STATUS = "subscription($id: ID!) { callStatus(callId: $id) { status terminal call { guid } } }"
OCCUPANCY = (
    "subscription($id: ID!) { occupancy(roomId: $id) "
    "{ count capacity asOf quality room { name } } }"
)


def request(document: str, **variables: Any) -> GraphQLRequest:
    return GraphQLRequest(document, variable_values=variables)


def node_id(type_name: str, key: str) -> str:
    return base64.b64encode(f"{type_name}:{key}".encode()).decode()


@pytest.fixture
def concierge_settings() -> Settings:
    # A request budget shorter than a call: pollers must not inherit the subscriber's.
    return Settings(demo_activity_s=0, call_poll_s=0.1, occupancy_poll_s=0.3, request_timeout_s=1.0)


@pytest.fixture
async def server(concierge_settings: Settings) -> AsyncIterator[str]:
    async with running_server(concierge_settings) as url:
        yield url


async def control_url(http: aiohttp.ClientSession, url: str) -> str:
    async with http.post(f"{url}/graphql", json={"query": "{ sandboxControlUrl }"}) as r:
        return str((await r.json())["data"]["sandboxControlUrl"])


async def control(http: aiohttp.ClientSession, url: str, method: str, path: str, **kw: Any) -> Any:
    async with http.request(method, f"{url}{path}", **kw) as r:
        assert r.status < 300, await r.text()
        return await r.json()


def ws_client(url: str, protocol: str) -> Client:
    transport = WebsocketsTransport(
        url=url.replace("http", "ws") + "/graphql", subprotocols=[protocol]
    )
    return Client(transport=transport)


@pytest.mark.parametrize(
    ("protocol", "call_type"),
    [
        (WebsocketsTransport.GRAPHQLWS_SUBPROTOCOL, "voip"),
        (WebsocketsTransport.GRAPHQLWS_SUBPROTOCOL, "mobile"),
        (WebsocketsTransport.APOLLO_SUBPROTOCOL, "mobile"),
    ],
    ids=["graphql-transport-ws-voip", "graphql-transport-ws-mobile", "legacy-graphql-ws-mobile"],
)
async def test_gql_client_receives_every_status_the_call_scenario_plays_in_order(
    server: str, http: aiohttp.ClientSession, protocol: str, call_type: str
) -> None:
    ctl = await control_url(http, server)
    rung = await control(
        http,
        ctl,
        "POST",
        "/scenarios/butterflymx/call",
        json={"call_type": call_type, "step_s": 1.0},
    )
    call = rung["call"]
    seen: list[str] = []
    async with ws_client(server, protocol) as session:
        async for result in session.subscribe(
            request(CALL_STATUS, id=node_id("Call", f"butterflymx:{call['guid']}"))
        ):
            event = result["callStatus"]
            assert event["call"]["guid"] == call["guid"]
            seen.append(event["status"])
    assert seen == call["statuses"]  # ... and the subscription completed after the last


async def test_unknown_call_id_is_a_typed_error_and_starts_no_poll(
    server: str, http: aiohttp.ClientSession
) -> None:
    ctl = await control_url(http, server)
    await control(http, ctl, "DELETE", "/counters")
    async with ws_client(server, WebsocketsTransport.GRAPHQLWS_SUBPROTOCOL) as session:
        with pytest.raises(TransportQueryError) as caught:
            async for _ in session.subscribe(
                request(OCCUPANCY, id=node_id("Room", "butlr:room_nope"))
            ):
                pass
        assert caught.value.errors is not None
        assert caught.value.errors[0]["extensions"]["code"] == "NOT_FOUND"
        with pytest.raises(TransportQueryError) as wrong:
            async for _ in session.subscribe(
                request(OCCUPANCY, id=node_id("Door", "butterflymx.access_point:1"))
            ):
                pass
        assert wrong.value.errors is not None
        assert wrong.value.errors[0]["extensions"]["code"] == "INVALID_ID"
    counters = await control(http, ctl, "GET", "/counters?vendor=butlr")
    assert not [r for r in str(counters).split("'") if "reporting" in r]


async def first_room(http: aiohttp.ClientSession, url: str) -> tuple[str, str]:
    query = "{ spaces { rooms { id key: name } } }"
    async with http.post(f"{url}/graphql", json={"query": query}) as r:
        room = (await r.json())["data"]["spaces"][0]["rooms"][0]
    key = base64.b64decode(room["id"]).decode().partition(":")[2]
    return room["id"], key


def reporting_calls(counters: dict[str, Any]) -> int:
    routes = counters.get("routes") or counters.get("butlr", {}).get("routes") or counters
    total = 0
    for route, value in _walk(routes):
        if "reporting" in route:
            total += value
    return total


def _walk(data: Any, prefix: str = "") -> list[tuple[str, int]]:
    out: list[tuple[str, int]] = []
    if isinstance(data, dict):
        for k, v in data.items():
            if isinstance(v, int) and not isinstance(v, bool):
                out.append((prefix + "/" + str(k), v))
            else:
                out.extend(_walk(v, prefix + "/" + str(k)))
    return out


class RawSubscriber:
    """A bare graphql-transport-ws connection carrying many subscriptions (cheap at 1,000)."""

    def __init__(self, url: str, credential: str | None = None) -> None:
        self.url = url.replace("http", "ws") + "/graphql"
        self.init: dict[str, Any] = {"type": "connection_init"}
        if credential is not None:
            self.init["payload"] = {"Authorization": f"Bearer {credential}"}
        self.latest: dict[str, dict[str, Any]] = {}
        self.received: dict[str, list[dict[str, Any]]] = {}
        self.completed: set[str] = set()
        self.errors: list[Any] = []

    async def __aenter__(self) -> RawSubscriber:
        self.ws = await websockets.connect(
            self.url, subprotocols=[Subprotocol("graphql-transport-ws")]
        )
        await self.ws.send(json.dumps(self.init))
        assert json.loads(await self.ws.recv())["type"] == "connection_ack"
        self.reader = asyncio.create_task(self._read())
        return self

    async def subscribe(self, sub_id: str, query: str, **variables: Any) -> None:
        payload = {"query": query, "variables": variables}
        await self.ws.send(json.dumps({"id": sub_id, "type": "subscribe", "payload": payload}))

    async def complete(self, sub_id: str) -> None:
        await self.ws.send(json.dumps({"id": sub_id, "type": "complete"}))

    async def _read(self) -> None:
        async for raw in self.ws:
            message = json.loads(raw)
            if message["type"] == "next":
                self.latest[message["id"]] = message["payload"]
                self.received.setdefault(message["id"], []).append(message["payload"])
            elif message["type"] == "complete":
                self.completed.add(message["id"])
            elif message["type"] == "error":
                self.errors.append(message)

    async def __aexit__(self, *exc: object) -> None:
        self.reader.cancel()
        await self.ws.close()


async def eventually(check: Any, *, attempts: int = 300) -> None:
    for _ in range(attempts):
        if check():
            return
        await asyncio.sleep(0.05)
    assert check()


async def test_a_thousand_subscribers_on_one_room_cost_one_butlr_poll_per_interval(
    server: str, http: aiohttp.ClientSession, concierge_settings: Settings
) -> None:
    ctl = await control_url(http, server)
    room_id, room_key = await first_room(http, server)
    clients = [RawSubscriber(server) for _ in range(10)]
    for client in clients:
        await client.__aenter__()
    try:
        for client in clients:
            for n in range(100):
                await client.subscribe(str(n), OCCUPANCY, id=room_id)
        await eventually(lambda: sum(len(c.latest) for c in clients) == 1000)
        await control(http, ctl, "DELETE", "/counters")
        started = asyncio.get_running_loop().time()
        await control(
            http,
            ctl,
            "POST",
            "/scenarios/butlr/occupancy",
            json={"room_id": room_key.partition(":")[2], "count": 7},
        )

        def everyone_saw_seven() -> bool:
            return all(
                p["data"]["occupancy"]["count"] == 7 for c in clients for p in c.latest.values()
            )

        await eventually(everyone_saw_seven)
        await asyncio.sleep(concierge_settings.occupancy_poll_s * 3)
        elapsed = asyncio.get_running_loop().time() - started
        polls = reporting_calls(await control(http, ctl, "GET", "/counters?vendor=butlr"))
        assert 1 <= polls <= elapsed / concierge_settings.occupancy_poll_s + 1
        assert not any(c.errors for c in clients)
    finally:
        for client in clients:
            await client.__aexit__(None, None, None)


async def test_sse_stream_carries_every_call_status_then_complete(
    server: str, http: aiohttp.ClientSession
) -> None:
    ctl = await control_url(http, server)
    rung = await control(
        http, ctl, "POST", "/scenarios/butterflymx/call", json={"call_type": "mobile"}
    )
    call = rung["call"]
    body = {
        "query": CALL_STATUS,
        "variables": {"id": node_id("Call", f"butterflymx:{call['guid']}")},
    }
    events: list[tuple[str, str]] = []
    async with http.post(
        f"{server}/graphql", json=body, headers={"accept": "text/event-stream"}
    ) as response:
        assert response.status == 200
        assert response.content_type == "text/event-stream"
        kind = ""
        async for raw in response.content:
            line = raw.decode().rstrip("\n")
            if line.startswith("event: "):
                kind = line[len("event: ") :]
            elif line.startswith("data: ") or line == "data:":
                events.append((kind, line[len("data:") :].strip()))
    statuses = [json.loads(d)["data"]["callStatus"]["status"] for k, d in events if k == "next"]
    assert statuses == call["statuses"]
    assert events[-1][0] == "complete"


JS_DIR = Path(__file__).with_name("js")


@pytest.fixture(scope="session")
def graphql_ws_js() -> Path:
    """The npm graphql-ws client, installed into tests/server/js/node_modules once."""
    node = require_tool("node", "the npm graphql-ws client test")
    npm = require_tool("npm", "installing the npm graphql-ws client")
    if not (JS_DIR / "node_modules" / "graphql-ws").is_dir():
        subprocess.run(
            [npm, "install", "--no-audit", "--no-fund", "--silent"],
            cwd=JS_DIR,
            check=True,
            timeout=300,
        )
    assert node
    return JS_DIR / "call_status.mjs"


async def test_npm_graphql_ws_client_receives_every_status_and_completes(
    server: str, http: aiohttp.ClientSession, graphql_ws_js: Path
) -> None:
    ctl = await control_url(http, server)
    rung = await control(
        http, ctl, "POST", "/scenarios/butterflymx/call", json={"call_type": "mobile"}
    )
    call = rung["call"]
    process = await asyncio.create_subprocess_exec(
        "node",
        str(graphql_ws_js),
        server.replace("http", "ws") + "/graphql",
        node_id("Call", f"butterflymx:{call['guid']}"),
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    out, err = await asyncio.wait_for(process.communicate(), timeout=60)
    assert process.returncode == 0, err.decode()
    assert json.loads(out.decode().strip().splitlines()[-1]) == call["statuses"]


UNLOCK = """mutation($door: ID!) { unlockDoor(input: {doorId: $door, idempotencyKey: "subs-1"}) {
  __typename ... on UnlockDoorSuccess { attempt { id status } } } }"""
ATTEMPT = "subscription($id: ID!) { unlockAttempt(id: $id) { status door { name } } }"
LOCK_4B = "RG9vcjpyZW1vdGVsb2NrLmxvY2s6NzJlNzZiNTEtNmU1NC00YzZkLWFmZjgtZTg3ZTE2NTkxYzg5"


async def test_unlock_attempt_yields_its_state_then_completes_when_it_settles(
    server: str, http: aiohttp.ClientSession
) -> None:
    body = {"query": UNLOCK, "variables": {"door": LOCK_4B}}
    async with http.post(f"{server}/graphql", json=body) as r:
        attempt = (await r.json())["data"]["unlockDoor"]["attempt"]
    statuses: list[str] = []
    async with ws_client(server, WebsocketsTransport.GRAPHQLWS_SUBPROTOCOL) as session:
        async for result in session.subscribe(request(ATTEMPT, id=attempt["id"])):
            assert result["unlockAttempt"]["door"]["name"]
            statuses.append(result["unlockAttempt"]["status"])
    assert statuses[-1] in {"CONFIRMED", "FAILED", "TIMED_OUT"}
    assert len(statuses) == len(set(statuses))  # each change once
