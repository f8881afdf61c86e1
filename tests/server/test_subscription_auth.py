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
from gql.transport.exceptions import TransportQueryError
from gql.transport.websockets import WebsocketsTransport

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


# Bad credentials at connection_init and on SSE: tests/server/test_bad_credentials.py.
