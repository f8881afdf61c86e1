"""Every operation on a WebSocket gets its own loaders and its own vendor deadline."""

from __future__ import annotations

import asyncio
import base64
import itertools
import time
from typing import Any

import aiohttp
import pytest

from concierge.server.settings import Settings
from tests.schema.graphs import Graph

REMOTELOCK_DOOR = """
{ buildings(first: 1) { edges { node { doors(vendor: REMOTELOCK) { id battery } } } } }
"""


@pytest.fixture
def concierge_settings() -> Settings:
    # A short vendor budget, and live data that is never served from the shared cache:
    # what a second operation sees comes from its own loaders.
    return Settings(demo_activity_s=0, request_timeout_s=0.6, live_ttl_s=0.01)


class Socket:
    """A graphql-transport-ws client: one connection, many operations."""

    def __init__(self, ws: aiohttp.ClientWebSocketResponse) -> None:
        self.ws = ws
        self.ids = itertools.count(1)

    async def run(self, query: str) -> dict[str, Any]:
        op = str(next(self.ids))
        await self.ws.send_json({"id": op, "type": "subscribe", "payload": {"query": query}})
        payload: dict[str, Any] = {}
        while True:
            message = await self.ws.receive_json(timeout=10)
            if message.get("id") != op:
                continue
            if message["type"] == "next":
                payload = message["payload"]
            elif message["type"] == "complete":
                return payload
            else:
                raise AssertionError(message)


@pytest.fixture
async def socket(concierge_url: str, http: aiohttp.ClientSession) -> Socket:
    ws = await http.ws_connect(
        concierge_url.replace("http", "ws", 1) + "/graphql", protocols=["graphql-transport-ws"]
    )
    await ws.send_json({"type": "connection_init"})
    assert (await ws.receive_json(timeout=5))["type"] == "connection_ack"
    return Socket(ws)


async def test_each_operation_has_its_own_vendor_budget_and_obeys_it(
    socket: Socket, graph: Graph
) -> None:
    await asyncio.sleep(1.0)  # longer than request_timeout_s since the connection opened
    late = await socket.run(REMOTELOCK_DOOR)
    assert "errors" not in late, late  # a budget of its own, not the connection's spent one
    await graph.sandbox("PATCH", "/faults/remotelock", json={"timeout_rate": 1, "hang_s": 5})
    started = time.monotonic()
    await asyncio.sleep(0.05)  # past live_ttl_s: the cached lock states are gone
    hung = await socket.run(REMOTELOCK_DOOR)
    assert "errors" in hung, hung
    assert {e["extensions"]["code"] for e in hung["errors"]} == {"VENDOR_TIMEOUT"}
    # Not a speed assertion: the operation ends on its 0.6 s budget, not the vendor's 5 s
    # hang or the connector's own 10 s timeout.
    assert time.monotonic() - started < 3.0


async def test_a_later_operation_on_the_same_connection_reads_current_data(
    socket: Socket, graph: Graph
) -> None:
    first = await socket.run(REMOTELOCK_DOOR)
    door = first["data"]["buildings"]["edges"][0]["node"]["doors"][0]
    lock_id = _remotelock_id(door["id"])
    new_level = 7 if door["battery"] != 7 else 8
    await graph.sandbox(
        "POST",
        "/scenarios/remotelock/battery_low",
        json={"device_id": lock_id, "power_level": new_level},
    )
    await asyncio.sleep(0.05)  # past live_ttl_s
    second = await socket.run(REMOTELOCK_DOOR)
    doors = second["data"]["buildings"]["edges"][0]["node"]["doors"]
    assert {d["id"]: d["battery"] for d in doors}[door["id"]] == new_level


def _remotelock_id(global_id: str) -> str:
    decoded = base64.b64decode(global_id).decode()  # "Door:remotelock.lock:<id>"
    return decoded.split(":", 2)[2]
