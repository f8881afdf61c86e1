"""Butlr connector fixtures: configs and clients against the running sandbox."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import aiohttp
import pytest

from concierge.connectors.butlr import ButlrClient, ButlrConfig, Space, build_client
from concierge.connectors.policy import RetryPolicy
from concierge.connectors.tokens import MemoryTokenStorage
from tests.conftest import RunningSandbox

VENDOR = "butlr"
CLIENT_LOGIN = "POST /api/v2/clients/login"
USER_LOGIN = "POST /api/v2/login"
REFRESH = "POST /api/v2/token/refresh"
REPORTING = "POST /api/v3/reporting"
# Production backoff, shrunk so retried tests stay fast; same attempts and statuses.
FAST_RETRY = RetryPolicy(base_delay=0.01, max_delay=0.05)

MakeConfig = Callable[..., ButlrConfig]


def make_config(sandbox: RunningSandbox, **overrides: Any) -> ButlrConfig:
    info = sandbox.vendor(VENDOR)
    creds = info["credentials"]
    settings: dict[str, Any] = {
        "client_id": creds["client_id"],
        "client_secret": creds["client_secret"],
        "audience": creds["audience"],
        "api_url": info["api_url"],
        "auth_url": info["auth_url"],
        "retry": FAST_RETRY,
    }
    if overrides.get("grant") == "password":
        settings |= {"username": creds["username"], "password": creds["password"]}
    return ButlrConfig(**(settings | overrides))


@pytest.fixture
def config_for(sandbox: RunningSandbox) -> MakeConfig:
    def build(**overrides: Any) -> ButlrConfig:
        return make_config(sandbox, **overrides)

    return build


@pytest.fixture
async def client(sandbox: RunningSandbox, http: aiohttp.ClientSession) -> ButlrClient:
    """A client-credentials client (the product's flow)."""
    return build_client(make_config(sandbox), http, MemoryTokenStorage())


@pytest.fixture
async def user_client(sandbox: RunningSandbox, http: aiohttp.ClientSession) -> ButlrClient:
    """A client signed in as the demo Butlr user (login + rotating refresh)."""
    return build_client(make_config(sandbox, grant="password"), http, MemoryTokenStorage())


@pytest.fixture
async def space(client: ButlrClient) -> Space:
    """The first demo space, with its rooms, sensors and hives."""
    return (await client.spaces.list())[0]


async def route_count(sandbox: RunningSandbox, route: str) -> int:
    counters = await sandbox.counters(VENDOR)
    return int(counters["routes"].get(route, 0))


async def reset_counters(sandbox: RunningSandbox) -> None:
    await sandbox.control("DELETE", f"/counters?vendor={VENDOR}")


async def faults(sandbox: RunningSandbox, **settings: object) -> None:
    await sandbox.control("PATCH", f"/faults/{VENDOR}", json=settings)


async def scenario(sandbox: RunningSandbox, name: str, **params: object) -> Any:
    return await sandbox.control("POST", f"/scenarios/{VENDOR}/{name}", json=params)
