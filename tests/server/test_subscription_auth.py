"""Subscriptions obey the same principals as queries: every transport authenticates the
same way, and a tenant cannot watch another unit's door."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from typing import Any

import aiohttp
import pytest
from gql import Client, GraphQLRequest
from gql.client import AsyncClientSession
from gql.transport.exceptions import TransportError, TransportQueryError
from gql.transport.websockets import WebsocketsTransport
from websockets.exceptions import ConnectionClosed

from tests.conftest import serve
from tests.schema.test_authorization import _two_units, _unit_lock, vendor_id
from tests.server.authgraph import AuthGraph, token
from tests.server.test_auth import SETTINGS

DOOR_EVENTS = "subscription($door: ID!) { doorEvents(doorId: $door) { kind } }"
PROTOCOLS = [WebsocketsTransport.GRAPHQLWS_SUBPROTOCOL, WebsocketsTransport.APOLLO_SUBPROTOCOL]


@pytest.fixture
async def url() -> AsyncIterator[str]:
    async with serve(SETTINGS) as running:
        yield running


def _door_events(door: str) -> GraphQLRequest:
    return GraphQLRequest(DOOR_EVENTS, variable_values={"door": door})


async def _first(session: AsyncClientSession, door: str) -> None:
    """Wait for the stream's first event (or its error)."""
    async for _ in session.subscribe(_door_events(door)):
        return


def _client(url: str, protocol: str, credential: str) -> Client:
    transport = WebsocketsTransport(
        url=url.replace("http", "ws") + "/graphql",
        subprotocols=[protocol],
        init_payload={"Authorization": f"Bearer {credential}"},
    )
    return Client(transport=transport)


async def _first_error(url: str, protocol: str, credential: str, door: str) -> dict[str, Any]:
    async with _client(url, protocol, credential) as session:
        with pytest.raises(TransportQueryError) as caught:
            await _first(session, door)
    assert caught.value.errors is not None
    error: dict[str, Any] = caught.value.errors[0]
    return error


@pytest.mark.parametrize("protocol", PROTOCOLS)
async def test_a_tenant_cannot_subscribe_to_another_units_door(
    url: str, http: aiohttp.ClientSession, protocol: str
) -> None:
    admin = AuthGraph(url, http, token(role="admin"))
    _, a, b = await _two_units(admin)
    tenant = token(role="tenant", sub="t", tenant_ids=[vendor_id(a["tenants"][0]["id"])])
    refused = await _first_error(url, protocol, tenant, _unit_lock(b)["id"])
    assert refused["extensions"]["code"] == "NOT_FOUND"
    # The same tenant's own door is accepted (the stream stays open: nothing to refuse).
    async with _client(url, protocol, tenant) as session:
        with pytest.raises(TimeoutError):
            await asyncio.wait_for(_first(session, _unit_lock(a)["id"]), timeout=1.0)


@pytest.mark.parametrize("protocol", PROTOCOLS)
@pytest.mark.parametrize("bad", [{"exp_in": -3600}, {"iss": "https://evil.example/"}])
async def test_bad_credentials_are_refused_at_connection_init(
    url: str, protocol: str, bad: dict[str, Any]
) -> None:
    client = _client(url, protocol, token(role="admin", **bad))  # type: ignore[arg-type]

    async def connect() -> None:
        async with client as session:
            await _first(session, "x")

    with pytest.raises((TransportError, ConnectionClosed)):
        await connect()


async def test_sse_refuses_bad_credentials_and_serves_good_ones(
    url: str, http: aiohttp.ClientSession
) -> None:
    admin = AuthGraph(url, http, token(role="admin"))
    _, a, _ = await _two_units(admin)
    body = {"query": DOOR_EVENTS, "variables": {"door": _unit_lock(a)["id"]}}
    expired = token(role="admin", exp_in=-3600)
    for headers, status in (({}, 401), ({"Authorization": f"Bearer {expired}"}, 401)):
        async with http.post(
            f"{url}/graphql", json=body, headers={"accept": "text/event-stream", **headers}
        ) as response:
            assert response.status == status
    good = {"accept": "text/event-stream", "Authorization": f"Bearer {token(role='admin')}"}
    async with http.post(f"{url}/graphql", json=body, headers=good) as response:
        assert response.status == 200
        assert response.content_type == "text/event-stream"
