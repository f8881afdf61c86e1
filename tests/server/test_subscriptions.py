"""Subscriptions over real transports: a real `gql` client (graphql-transport-ws and legacy
graphql-ws) follows a ringing call to its end; Butlr is polled once per interval however
many subscribe; unknown IDs are typed errors that start no poller."""

from __future__ import annotations

import base64
from collections.abc import AsyncIterator
from typing import Any

import aiohttp
import pytest
from gql import Client, GraphQLRequest
from gql.transport.exceptions import TransportQueryError
from gql.transport.websockets import WebsocketsTransport

from server.settings import Settings
from tests.conftest import running_server

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
    return Settings(demo_activity_s=0, call_poll_s=0.1, occupancy_poll_s=0.3)


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
