"""ButterflyMX test helpers: token grants and JSON:API calls against the running sandbox."""

from __future__ import annotations

import json as jsonlib
from collections.abc import AsyncIterator
from dataclasses import dataclass
from typing import Any

import aiohttp
import pytest
from aiohttp import web

from tests.conftest import RunningSandbox

JSONAPI = "application/vnd.api+json"


@dataclass
class Reply:
    status: int
    body: Any
    headers: Any


@dataclass
class Bmx:
    http: aiohttp.ClientSession
    auth_url: str
    api_url: str
    creds: dict[str, Any]

    async def token_request(self, data: dict[str, str], *, multipart: bool = False) -> Reply:
        payload: Any = data
        if multipart:
            payload = aiohttp.FormData(data, default_to_multipart=True)
        async with self.http.post(f"{self.auth_url}/oauth/token", data=payload) as response:
            return Reply(response.status, await response.json(), response.headers)

    async def password_grant(
        self, username: str | None = None, password: str | None = None
    ) -> dict[str, Any]:
        reply = await self.token_request(
            {
                "grant_type": "password",
                "client_id": self.creds["client_id"],
                "client_secret": self.creds["client_secret"],
                "username": username or self.creds["username"],
                "password": password or self.creds["password"],
            }
        )
        assert reply.status == 200, reply.body
        body: dict[str, Any] = reply.body
        return body

    async def call(
        self,
        method: str,
        path: str,
        token: str | None,
        *,
        json: Any = None,
        params: Any = None,
        content_type: str = JSONAPI,
        data: Any = None,
    ) -> Reply:
        headers = {"Accept": JSONAPI}
        if token is not None:
            headers["Authorization"] = f"Bearer {token}"
        if json is not None or data is not None:
            headers["Content-Type"] = content_type
        body = data if data is not None else (None if json is None else _dumps(json))
        async with self.http.request(
            method, f"{self.api_url}{path}", data=body, params=params, headers=headers
        ) as response:
            raw = await response.read()
            parsed = _loads(raw) if raw else None
            return Reply(response.status, parsed, response.headers)


def _dumps(value: Any) -> bytes:
    return jsonlib.dumps(value).encode()


def _loads(raw: bytes) -> Any:
    return jsonlib.loads(raw)


@pytest.fixture
def bmx(sandbox: RunningSandbox, http: aiohttp.ClientSession) -> Bmx:
    vendor = sandbox.vendor("butterflymx")
    return Bmx(http, vendor["auth_url"], vendor["api_url"], vendor["credentials"])


@pytest.fixture
async def manager_token(bmx: Bmx) -> str:
    return str((await bmx.password_grant())["access_token"])


@pytest.fixture
async def resident_token(bmx: Bmx) -> str:
    resident = bmx.creds["resident"]
    return str(
        (await bmx.password_grant(resident["username"], resident["password"]))["access_token"]
    )


@dataclass
class Receiver:
    """A tiny webhook receiver on 127.0.0.1 that can fail its first N requests."""

    url: str
    requests: list[dict[str, Any]]
    fail_first: int = 0


@pytest.fixture
async def receiver() -> AsyncIterator[Receiver]:
    state = Receiver(url="", requests=[])

    async def record(request: web.Request) -> web.Response:
        state.requests.append(
            {
                "method": request.method,
                "query": dict(request.query),
                "headers": dict(request.headers),
                "body": await request.text(),
            }
        )
        if len(state.requests) <= state.fail_first:
            return web.Response(status=500, text="receiver failing on purpose")
        return web.Response(status=200, text="ok")

    app = web.Application()
    app.router.add_route("*", "/{tail:.*}", record)
    runner = web.AppRunner(app, access_log=None)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    port = runner.addresses[0][1]
    state.url = f"http://127.0.0.1:{port}/hooks/butterflymx"
    try:
        yield state
    finally:
        await runner.cleanup()
