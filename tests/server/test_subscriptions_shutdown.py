"""Ctrl-C on `concierge serve` ends an open SSE subscription with a reason, then exits."""

from __future__ import annotations

import asyncio
import json

import aiohttp

from tests.server.test_cli import _free_port, _interrupt, _start, _wait_ready


async def test_ctrl_c_ends_an_open_sse_subscription_with_shutting_down(
    http: aiohttp.ClientSession,
) -> None:
    port = _free_port()
    process = await _start("serve", "--port", str(port))
    base = f"http://127.0.0.1:{port}"
    try:
        await _wait_ready(http, f"{base}/readyz")
        async with http.post(f"{base}/graphql", json={"query": "{ spaces { rooms { id } } }"}) as r:
            room = (await r.json())["data"]["spaces"][0]["rooms"][0]["id"]
        query = f'subscription {{ occupancy(roomId: "{room}") {{ count }} }}'
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
    finally:
        assert await _interrupt(process) == 0
