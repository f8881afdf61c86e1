"""A small RemoteLock client over real HTTP, and a local webhook receiver, for these tests."""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from typing import Any

import aiohttp
import pytest
from aiohttp import web
from multidict import CIMultiDictProxy

from tests.conftest import RunningSandbox

MEDIA_TYPE = "application/vnd.lockstate+json; version=1"
WAIT_S = 5.0


@dataclass
class Reply:
    status: int
    headers: CIMultiDictProxy[str]
    body: Any
    text: str

    @property
    def data(self) -> Any:
        return self.body["data"]


class RemoteLock:
    """Talks to the simulated RemoteLock the way a connector would."""

    def __init__(self, sandbox: RunningSandbox, http: aiohttp.ClientSession) -> None:
        info = sandbox.vendor("remotelock")
        self.sandbox = sandbox
        self.http = http
        self.api_url: str = info["api_url"]
        self.auth_url: str = info["auth_url"]
        self.creds: dict[str, str] = info["credentials"]
        self.token: str | None = None

    async def token_request(self, **fields: str) -> Reply:
        async with self.http.post(f"{self.auth_url}/oauth/token", data=fields) as response:
            return await _reply(response)

    async def client_credentials(self) -> str:
        reply = await self.token_request(
            grant_type="client_credentials",
            client_id=self.creds["client_id"],
            client_secret=self.creds["client_secret"],
        )
        assert reply.status == 200, reply.text
        return str(reply.body["access_token"])

    async def request(
        self,
        method: str,
        path: str,
        *,
        json_body: Any = None,
        token: str | None = None,
        headers: dict[str, str] | None = None,
        data: bytes | str | None = None,
    ) -> Reply:
        sent = {"Accept": MEDIA_TYPE}
        bearer = token if token is not None else self.token
        if bearer:
            sent["Authorization"] = f"Bearer {bearer}"
        sent |= headers or {}
        async with self.http.request(
            method, f"{self.api_url}{path}", json=json_body, data=data, headers=sent
        ) as response:
            return await _reply(response)

    async def get(self, path: str, **kwargs: Any) -> Reply:
        return await self.request("GET", path, **kwargs)

    async def post(self, path: str, body: Any = None, **kwargs: Any) -> Reply:
        return await self.request("POST", path, json_body=body, **kwargs)

    async def put(self, path: str, body: Any = None, **kwargs: Any) -> Reply:
        return await self.request("PUT", path, json_body=body, **kwargs)

    async def delete(self, path: str, **kwargs: Any) -> Reply:
        return await self.request("DELETE", path, **kwargs)

    async def first_lock(self, *, connected: bool = True) -> dict[str, Any]:
        for page in range(1, 4):
            reply = await self.get(f"/devices?per_page=50&page={page}")
            for device in reply.data:
                if device["attributes"]["connected"] is connected:
                    return dict(device)
        raise AssertionError(f"no lock with connected={connected}")

    async def wait_for_event(self, predicate: Any) -> dict[str, Any]:
        """Poll /events (newest first) until an event matches, for up to WAIT_S seconds."""
        async with asyncio.timeout(WAIT_S):
            while True:
                reply = await self.get("/events?per_page=10")
                for event in reply.data:
                    if predicate(event):
                        return dict(event)
                await asyncio.sleep(0.1)


async def _reply(response: aiohttp.ClientResponse) -> Reply:
    text = await response.text()
    body = json.loads(text) if text and response.content_type == "application/json" else None
    return Reply(response.status, response.headers, body, text)


@pytest.fixture
async def rl(sandbox: RunningSandbox, http: aiohttp.ClientSession) -> RemoteLock:
    client = RemoteLock(sandbox, http)
    client.token = await client.client_credentials()
    return client


@dataclass
class Receiver:
    """A local webhook endpoint that records requests and can fail the first N of them."""

    fail_first: int = 0
    requests: list[dict[str, Any]] = field(default_factory=list)
    url: str = ""
    arrived: asyncio.Event = field(default_factory=asyncio.Event)

    async def handle(self, request: web.Request) -> web.Response:
        body = await request.read()
        self.requests.append({"headers": dict(request.headers), "body": body})
        self.arrived.set()
        if len(self.requests) <= self.fail_first:
            return web.Response(status=500, text="not yet")
        return web.Response(status=200, text="ok")

    async def wait_for(self, count: int) -> None:
        """Wait until `count` requests have arrived, for up to WAIT_S seconds."""
        async with asyncio.timeout(WAIT_S):
            while len(self.requests) < count:
                self.arrived.clear()
                await self.arrived.wait()


@pytest.fixture
async def receiver() -> AsyncIterator[Receiver]:
    hooks = Receiver()
    app = web.Application()
    app.router.add_post("/hooks", hooks.handle)
    runner = web.AppRunner(app, access_log=None)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    server = site._server
    assert server is not None
    port = server.sockets[0].getsockname()[1]  # type: ignore[attr-defined]
    hooks.url = f"http://127.0.0.1:{port}/hooks"
    try:
        yield hooks
    finally:
        await runner.cleanup()
