"""Butlr test helpers: a thin HTTP client for the simulated Butlr and a logged-in fixture."""

from __future__ import annotations

import base64
import json
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import aiohttp
import pytest
from multidict import CIMultiDictProxy

from concierge.sandbox.app import Sandbox
from concierge.sandbox.dataset import DatasetSpec
from tests.conftest import RunningSandbox

UNAUTHORIZED = {"message": "Unauthorized"}
INVALID = {"message": "Invalid request"}
NOT_FOUND = {"message": "Not Found"}
MAX_PAGES = 50


@dataclass
class Reply:
    status: int
    body: Any
    headers: CIMultiDictProxy[str]


@dataclass
class ButlrApi:
    """Talks to the simulated Butlr over loopback HTTP, with a bearer token once logged in."""

    http: aiohttp.ClientSession
    root: str
    credentials: dict[str, str]
    token: str = ""

    async def call(
        self, method: str, path: str, *, token: str | None = None, **kwargs: Any
    ) -> Reply:
        bearer = self.token if token is None else token
        headers = dict(kwargs.pop("headers", {}))
        if bearer:
            headers.setdefault("Authorization", f"Bearer {bearer}")
        async with self.http.request(
            method, self.root + path, headers=headers, **kwargs
        ) as response:
            text = await response.text()
            return Reply(response.status, json.loads(text) if text else None, response.headers)

    async def ok(self, method: str, path: str, status: int = 200, **kwargs: Any) -> Any:
        reply = await self.call(method, path, **kwargs)
        assert reply.status == status, f"{method} {path}: {reply.status} {reply.body}"
        return reply.body

    async def client_login(self, **overrides: str) -> Reply:
        body = {
            "client_id": self.credentials["client_id"],
            "client_secret": self.credentials["client_secret"],
            "audience": self.credentials["audience"],
            "grant_type": "client_credentials",
        }
        body.update(overrides)
        return await self.call("POST", "/api/v2/clients/login", json=body, token="")

    async def user_login(self, password: str | None = None) -> Reply:
        body = {
            "username": self.credentials["username"],
            "password": password or self.credentials["password"],
        }
        return await self.call("POST", "/api/v2/login", json=body, token="")

    async def report(self, body: dict[str, Any]) -> Any:
        return await self.ok("POST", "/api/v3/reporting", json=body)

    async def walk(self, path: str) -> list[Any]:
        """Every item of a list, following `next` cursors."""
        items: list[Any] = []
        separator = "&" if "?" in path else "?"
        page = await self.ok("GET", path)
        items.extend(page["data"])
        for _ in range(MAX_PAGES):
            if not page["next"]:
                return items
            page = await self.ok("GET", f"{path}{separator}cursor={page['next']}")
            items.extend(page["data"])
        raise AssertionError(f"{path}: still paging after {MAX_PAGES} pages")


def jwt_payload(token: str) -> dict[str, Any]:
    payload = token.split(".")[1]
    decoded: dict[str, Any] = json.loads(
        base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4))
    )
    return decoded


@pytest.fixture
async def api(sandbox: RunningSandbox, http: aiohttp.ClientSession) -> ButlrApi:
    """A Butlr client logged in with the demo M2M client."""
    vendor = sandbox.vendor("butlr")
    client = ButlrApi(http, vendor["api_url"], vendor["credentials"])
    reply = await client.client_login()
    assert reply.status == 200, reply.body
    client.token = reply.body["access_token"]
    return client


async def world_ids(api: ButlrApi) -> dict[str, Any]:
    """The first space, its first room, and that room's sensors (as the API lists them)."""
    space = (await api.ok("GET", "/api/v2/spaces"))["data"][0]
    room = space["rooms"][0]
    sensors = [s for s in space["sensors"] if s["room"]["id"] == room["id"]]
    return {"space": space, "room": room, "sensors": sensors}


def iso(epoch_s: float) -> str:
    return datetime.fromtimestamp(epoch_s, UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


async def minute_now(sandbox: RunningSandbox) -> int:
    """The sandbox clock, as an epoch minute (read through the control API)."""
    clock = await sandbox.control("GET", "/clock")
    return int(clock["time"] // 60)


@asynccontextmanager
async def another_sandbox(
    http: aiohttp.ClientSession, spec: DatasetSpec | None = None
) -> AsyncIterator[tuple[RunningSandbox, ButlrApi]]:
    """A second, independent sandbox (same demo world unless `spec` says otherwise)."""
    box = Sandbox(spec or DatasetSpec())
    info = await box.start()
    try:
        running = RunningSandbox(box, info, http)
        vendor = running.vendor("butlr")
        client = ButlrApi(http, vendor["api_url"], vendor["credentials"])
        client.token = (await client.client_login()).body["access_token"]
        yield running, client
    finally:
        await box.stop()
