"""Ctrl-C on `concierge serve` ends open subscriptions (SSE, both WebSocket protocols)
with a reason, then exits."""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator
from dataclasses import dataclass

import aiohttp
import pytest

from tests.server.test_cli import _free_port, _interrupt, _start, _wait_ready


@dataclass
class Serving:
    base: str
    process: asyncio.subprocess.Process
    query: str  # a subscription to a room's occupancy: it runs until the server stops


@pytest.fixture
async def serving(http: aiohttp.ClientSession) -> AsyncIterator[Serving]:
    port = _free_port()
    process = await _start("serve", "--port", str(port))
    base = f"http://127.0.0.1:{port}"
    try:
        await _wait_ready(http, f"{base}/readyz")
        async with http.post(f"{base}/graphql", json={"query": "{ spaces { rooms { id } } }"}) as r:
            room = (await r.json())["data"]["spaces"][0]["rooms"][0]["id"]
        yield Serving(base, process, f'subscription {{ occupancy(roomId: "{room}") {{ count }} }}')
    finally:
        assert await _interrupt(process) == 0  # stopped cleanly (perhaps already)


async def test_ctrl_c_ends_an_open_sse_subscription_with_shutting_down(
    http: aiohttp.ClientSession, serving: Serving
) -> None:
    base, process, query = serving.base, serving.process, serving.query
    events: list[tuple[str, str]] = []
    async with http.post(
        f"{base}/graphql", json={"query": query}, headers={"accept": "text/event-stream"}
    ) as response:
        kind = ""
        async for raw in response.content:
            line = raw.decode().rstrip("\n")
            if line.startswith("event: "):
                kind = line[len("event: ") :]
            elif line.startswith("data:"):
                events.append((kind, line[len("data:") :].strip()))
                if len(events) == 1:
                    asyncio.get_running_loop().call_soon(
                        lambda: asyncio.ensure_future(_interrupt(process))
                    )
    assert events[0][0] == "next"
    last_next = json.loads([d for k, d in events if k == "next"][-1])
    assert last_next["errors"][0]["extensions"]["code"] == "SHUTTING_DOWN"
    assert events[-1][0] == "complete"


async def test_ctrl_c_ends_open_websocket_subscriptions_with_shutting_down(
    http: aiohttp.ClientSession, serving: Serving
) -> None:
    """Two subscribers sharing one feed, on both WebSocket protocols: each hears why its
    stream ends, then `complete`, before the socket closes."""
    base, process, query = serving.base, serving.process, serving.query
    sockets = {
        "graphql-transport-ws": ("subscribe", "next"),
        "graphql-ws": ("start", "data"),
    }
    opened = []
    for protocol, (start, _) in sockets.items():
        ws = await http.ws_connect(f"{base.replace('http', 'ws')}/graphql", protocols=[protocol])
        await ws.send_json({"type": "connection_init"})
        assert (await ws.receive_json(timeout=10))["type"] == "connection_ack"
        await ws.send_json({"id": "1", "type": start, "payload": {"query": query}})
        opened.append((protocol, ws))
    heard: dict[str, list[dict[str, object]]] = {p: [] for p in sockets}
    for protocol, ws in opened:  # each has its current value
        while not heard[protocol]:
            message = await ws.receive_json(timeout=10)
            if message["type"] == sockets[protocol][1]:
                heard[protocol].append(message)
    interrupted = asyncio.ensure_future(_interrupt(process))
    for protocol, ws in opened:
        async for raw in ws:
            if raw.type != aiohttp.WSMsgType.TEXT:
                break
            message = json.loads(raw.data)
            if message["type"] != "ka":
                heard[protocol].append(message)
        await ws.close()
    assert await interrupted == 0
    for protocol, (_, next_type) in sockets.items():
        *_, last, end = heard[protocol]
        assert last["type"] == next_type
        payload = last["payload"]
        assert isinstance(payload, dict)
        assert payload["errors"][0]["extensions"]["code"] == "SHUTTING_DOWN", heard
        assert end["type"] == "complete"
