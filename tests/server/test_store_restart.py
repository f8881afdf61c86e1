"""A restarted server keeps what the store holds: no vendor logs in again."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import aiohttp
import uvicorn

from concierge.server.app import create_app
from concierge.server.settings import Settings
from tests.conftest import RunningSandbox
from tests.schema.graphs import Graph

TOKEN_ROUTES = {
    "butterflymx": "POST /accounts/oauth/token",
    "remotelock": "POST /connect/oauth/token",
    "butlr": "POST /api/v2/clients/login",
}
READ_EVERY_VENDOR = (
    "{ buildings(first: 1) { edges { node { name doors { id } spaces { name } } } } }"
)


@contextlib.asynccontextmanager
async def _serving(settings: Settings, http: aiohttp.ClientSession) -> AsyncIterator[Graph]:
    server = uvicorn.Server(
        uvicorn.Config(create_app(settings), host="127.0.0.1", port=0, log_level="warning")
    )
    task = asyncio.create_task(server.serve())
    for _ in range(200):
        if server.started or task.done():
            break
        await asyncio.sleep(0.05)
    assert server.started, "uvicorn did not start"
    port = server.servers[0].sockets[0].getsockname()[1]
    try:
        yield Graph(f"http://127.0.0.1:{port}", http)
    finally:
        server.should_exit = True
        await asyncio.wait_for(task, timeout=15)


async def _token_requests(sandbox: RunningSandbox) -> dict[str, int]:
    counters: dict[str, Any] = await sandbox.control("GET", "/counters")
    return {v: counters[v]["routes"].get(route, 0) for v, route in TOKEN_ROUTES.items()}


async def test_a_restarted_server_uses_the_stored_tokens(
    sandbox: RunningSandbox, http: aiohttp.ClientSession, tmp_path: Path
) -> None:
    # The standalone sandbox outlives both servers (an embedded one would be new each time).
    settings = Settings(sandbox_url=sandbox.control_url, demo_activity_s=0, data_dir=str(tmp_path))

    async with _serving(settings, http) as graph:
        first = await graph.query(READ_EVERY_VENDOR)
    after_first = await _token_requests(sandbox)
    async with _serving(settings, http) as graph:
        second = await graph.query(READ_EVERY_VENDOR)
    after_second = await _token_requests(sandbox)

    assert "errors" not in first, first["errors"]
    assert "errors" not in second, second["errors"]
    assert after_first == {v: 1 for v in TOKEN_ROUTES}
    assert after_second == after_first
    assert (tmp_path / "concierge.db").exists()
    assert (tmp_path / "token.key").exists()


async def test_a_restart_with_the_embedded_sandbox_does_not_reuse_its_dead_tokens(
    http: aiohttp.ClientSession, tmp_path: Path
) -> None:
    # Each start brings a new embedded sandbox: tokens the last one issued mean nothing to it.
    settings = Settings(demo_activity_s=0, data_dir=str(tmp_path / "data"))
    for _ in range(2):
        async with _serving(settings, http) as graph:
            answer = await graph.query(READ_EVERY_VENDOR)
            assert "errors" not in answer, answer["errors"]
