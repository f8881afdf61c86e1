"""Shared fixtures: a real sandbox on a loopback port, and an HTTP session to talk to it;
and what a test needs from the machine (a tool, a service), which CI must have."""

from __future__ import annotations

import asyncio
import contextlib
import os
import shutil
import socket
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any, NoReturn

import aiohttp
import pytest
import uvicorn
from aiohttp import web_app
from starlette.applications import Starlette

from concierge.resolvers.store.sql import SqlStore
from concierge.sandbox.app import Sandbox
from concierge.sandbox.dataset import DatasetSpec
from concierge.server.app import ChecksFor, create_app
from concierge.server.settings import Settings
from concierge.server.store import open_store
from tests.plugins.logged import note_settings
from tests.schema.graphs import Graph

# The whole run's logs are checked for secrets at its end (#11).
pytest_plugins = ["tests.plugins.secret_logs", "pytester"]


def missing(reason: str) -> NoReturn:
    """Skip the test for want of `reason`; under CONCIERGE_CI (.ci/run) fail it instead,
    so that CI cannot pass by skipping what it was meant to run."""
    if os.environ.get("CONCIERGE_CI"):
        pytest.fail(f"{reason} (required when CONCIERGE_CI is set)", pytrace=False)
    pytest.skip(reason)


def require_tool(name: str, reason: str) -> str:
    """The path of the program `name`, or `missing`: `reason` says what needs it."""
    path = shutil.which(name)
    if path is None:
        missing(f"{reason}: `{name}` is not on PATH")
    return path


def require_service(name: str, host: str, port: int) -> None:
    """`missing` unless something accepts TCP connections at `host:port`."""
    try:
        socket.create_connection((host, port), timeout=1.0).close()
    except OSError as exc:
        missing(f"{name} is not reachable at {host}:{port} ({exc})")


SERVICES = {"requires_redis": ("Redis", 6379), "requires_postgres": ("PostgreSQL", 5432)}


def pytest_runtest_setup(item: pytest.Item) -> None:
    for marker, (name, port) in SERVICES.items():
        if item.get_closest_marker(marker) is not None:
            require_service(name, "127.0.0.1", port)


@dataclass
class RunningSandbox:
    """A started sandbox: its `info()` document, the in-process object, and a control client."""

    sandbox: Sandbox
    info: dict[str, Any]
    http: aiohttp.ClientSession

    @property
    def control_url(self) -> str:
        return str(self.info["control_url"])

    def vendor(self, name: str) -> dict[str, Any]:
        return dict(self.info["vendors"][name])

    async def control(self, method: str, path: str, **kwargs: Any) -> Any:
        async with self.http.request(method, f"{self.control_url}{path}", **kwargs) as response:
            assert response.status < 300, (
                f"{method} {path}: {response.status} {await response.text()}"
            )
            return await response.json()

    async def counters(self, vendor: str) -> dict[str, Any]:
        data: dict[str, Any] = await self.control("GET", f"/counters?vendor={vendor}")
        return data


@pytest.fixture
def dataset_spec() -> DatasetSpec:
    """Override in a test module for a different world (the default is the demo world)."""
    return DatasetSpec()


@pytest.fixture
async def http() -> AsyncIterator[aiohttp.ClientSession]:
    async with aiohttp.ClientSession() as session:
        yield session


@pytest.fixture
async def sandbox(
    dataset_spec: DatasetSpec, http: aiohttp.ClientSession
) -> AsyncIterator[RunningSandbox]:
    box = Sandbox(dataset_spec)
    info = await box.start()
    try:
        yield RunningSandbox(box, info, http)
    finally:
        await box.stop()


@pytest.fixture
def concierge_settings() -> Settings:
    """Override in a test module to start the server differently."""
    return Settings(demo_activity_s=0)


@pytest.fixture
def checks_for() -> ChecksFor | None:
    """Override in a test module to decide which objects the server shows (None: each
    request's principal decides)."""
    return None


@pytest.fixture
def execution_path() -> str:
    """How the server completes results: "fast" (schema/execution.py) or "stock"
    (graphql-core's own steps). tests/schema runs every test under both."""
    return "fast"


@contextlib.asynccontextmanager
async def running_app(
    settings: Settings, checks_for: ChecksFor | None = None, port: int = 0
) -> AsyncIterator[tuple[str, Starlette]]:
    """A real Concierge server (uvicorn on a loopback port, `port` 0: any free one) until
    the block ends: its URL, and the app (for tests that watch its services)."""
    note_settings(settings)
    app = create_app(settings, checks_for=checks_for)
    config = uvicorn.Config(
        app,
        host="127.0.0.1",
        port=port,
        log_level="warning",
        lifespan="on",
        ws_per_message_deflate=settings.ws_per_message_deflate,
    )
    server = _PromptServer(config)
    task = asyncio.create_task(server.serve())
    for _ in range(1000):
        if server.started or task.done():
            break
        await asyncio.sleep(0.01)
    assert server.started, "uvicorn did not start"
    port = server.servers[0].sockets[0].getsockname()[1]
    try:
        yield f"http://127.0.0.1:{port}", app
    finally:
        server.stop()
        await asyncio.wait_for(task, timeout=15)


class _PromptServer(uvicorn.Server):
    """uvicorn, stopping as soon as a test's block ends: its own loop looks for the exit
    flag every 0.1 s, which a suite starting hundreds of servers pays each time. Ticks
    (the Date header) run as uvicorn's do; only the wait between them is cut short."""

    def __init__(self, config: uvicorn.Config) -> None:
        super().__init__(config)
        self._wake = asyncio.Event()

    async def main_loop(self) -> None:
        counter = 0
        while not await self.on_tick(counter):
            counter = (counter + 1) % 864000
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._wake.wait(), timeout=0.1)

    def stop(self) -> None:
        self.should_exit = True
        self._wake.set()


@contextlib.asynccontextmanager
async def running_server(
    settings: Settings, checks_for: ChecksFor | None = None
) -> AsyncIterator[str]:
    """A real Concierge server (uvicorn on a loopback port) until the block ends: its URL."""
    async with running_app(settings, checks_for) as (url, _):
        yield url


serve = running_server  # the name tests/schema and tests/server import


@pytest.fixture
async def concierge_url(
    concierge_settings: Settings, checks_for: ChecksFor | None, execution_path: str
) -> AsyncIterator[str]:
    """A real Concierge server with its embedded sandbox (see `concierge_settings`), on the
    execution path under test."""
    settings = replace(concierge_settings, fast_execution=execution_path == "fast")
    async with running_server(settings, checks_for) as url:
        yield url


@pytest.fixture
async def graph(concierge_url: str, http: aiohttp.ClientSession) -> Graph:
    """A GraphQL client for a live server (see `concierge_url`)."""
    return Graph(concierge_url, http)


def forget_finished_apps() -> None:
    """Let the aiohttp apps of finished tests (every sandbox, with its seeded world) be freed.

    aiohttp keeps, in a module-level cache of 1,024 entries, each app whose middlewares it
    has composed (`web_app._cached_build_middleware`): in one process starting hundreds of
    sandboxes, hundreds of worlds stay alive, and every collection (each server's start-up
    `gc.collect`) walks them all: 270 ms per start on average, a third of the suite's time.
    A server process starts one sandbox, so the product leaves the cache alone. Private to
    aiohttp: `test_finished_sandboxes_are_freed` fails if this stops working.
    """
    web_app._cached_build_middleware.cache_clear()


@pytest.fixture(autouse=True)
def freed_after_each_test() -> Iterator[None]:
    yield
    forget_finished_apps()


@pytest.fixture(autouse=True)
def own_working_directory(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Each test runs in its own directory, so the default data directory (`./.concierge`:
    the SQLite store and its token key) is new for every server a test starts."""
    monkeypatch.chdir(tmp_path)


@pytest.fixture
async def store(tmp_path: Path) -> AsyncIterator[SqlStore]:
    """A migrated store on a fresh SQLite file, for tests that build services themselves."""
    opened = await open_store(Settings(data_dir=str(tmp_path / "store")))
    try:
        yield opened
    finally:
        await opened.close()
