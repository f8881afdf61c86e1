"""Every transport refuses the same bad credentials: an expired, wrong-issuer,
wrong-audience or wrongly signed JWT and a revoked API key get HTTP 401, a WebSocket
closed with 4401 at `connection_init` (both protocols), and an SSE stream answered 401."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator, Awaitable, Callable

import aiohttp
import pytest

from tests.conftest import serve
from tests.server.authgraph import token
from tests.server.test_auth import SETTINGS, _key, _revoke

QUERY = "{ vendors { vendor } }"
SUBSCRIPTION = 'subscription { occupancy(roomId: "Um9vbTpidXRscjpyb29tXzE=") { count } }'


async def _revoked_key() -> str:
    key_id, text = await _key(SETTINGS, "admin")
    await _revoke(SETTINGS, key_id)
    return text


def _bearer(text: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {text}"}


def _jwt(**bad: object) -> Callable[[], Awaitable[dict[str, str]]]:
    async def make() -> dict[str, str]:
        return _bearer(token(role="admin", **bad))  # type: ignore[arg-type]

    return make


async def _revoked_key_as_bearer() -> dict[str, str]:
    return _bearer(await _revoked_key())


async def _revoked_key_as_x_api_key() -> dict[str, str]:
    return {"X-API-Key": await _revoked_key()}


CREDENTIALS: dict[str, Callable[[], Awaitable[dict[str, str]]]] = {
    "expired-jwt": _jwt(exp_in=-3600),
    "wrong-issuer-jwt": _jwt(iss="https://evil.example/"),
    "wrong-audience-jwt": _jwt(aud="someone-else"),
    "wrong-signature-jwt": _jwt(secret="another-secret-0123456789abcdef0123456789"),
    "revoked-api-key": _revoked_key_as_bearer,
    "revoked-x-api-key": _revoked_key_as_x_api_key,
    "none": lambda: _none(),
    "good-jwt": _jwt(),  # the control: the same request, accepted
}


async def _none() -> dict[str, str]:
    return {}


@pytest.fixture
async def url() -> AsyncIterator[str]:
    async with serve(SETTINGS) as running:
        yield running


async def _http(url: str, http: aiohttp.ClientSession, headers: dict[str, str]) -> str:
    async with http.post(f"{url}/graphql", json={"query": QUERY}, headers=headers) as response:
        return str(response.status)


async def _sse(url: str, http: aiohttp.ClientSession, headers: dict[str, str]) -> str:
    headers = {"accept": "text/event-stream", **headers}
    async with http.post(
        f"{url}/graphql", json={"query": SUBSCRIPTION}, headers=headers
    ) as response:
        return str(response.status)


async def _websocket(
    protocol: str, url: str, http: aiohttp.ClientSession, headers: dict[str, str]
) -> str:
    """`ack` or `closed <code>` (after the legacy protocol's `connection_error`)."""
    async with http.ws_connect(url.replace("http", "ws") + "/graphql", protocols=[protocol]) as ws:
        await ws.send_str(json.dumps({"type": "connection_init", "payload": headers}))
        message = await ws.receive(timeout=10)
        if message.type == aiohttp.WSMsgType.TEXT:
            kind = json.loads(message.data)["type"]
            if kind == "connection_ack":
                return "ack"
            assert kind == "connection_error", message.data
            message = await ws.receive(timeout=10)
        assert message.type in (aiohttp.WSMsgType.CLOSE, aiohttp.WSMsgType.CLOSED), message
        return f"closed {ws.close_code}"


Transport = Callable[[str, aiohttp.ClientSession, dict[str, str]], Awaitable[str]]
TRANSPORTS: dict[str, tuple[Transport, str, str]] = {
    # name: (how to ask, answer when refused, answer when accepted)
    "http": (_http, "401", "200"),
    "graphql-transport-ws": (
        lambda *a: _websocket("graphql-transport-ws", *a),
        "closed 4401",
        "ack",
    ),
    "graphql-ws": (lambda *a: _websocket("graphql-ws", *a), "closed 4401", "ack"),
    "sse": (_sse, "401", "200"),
}


@pytest.mark.parametrize("transport", list(TRANSPORTS))
@pytest.mark.parametrize("kind", list(CREDENTIALS))
async def test_bad_credentials_are_refused_on_every_transport(
    url: str, http: aiohttp.ClientSession, transport: str, kind: str
) -> None:
    headers = await CREDENTIALS[kind]()
    ask, refused, accepted = TRANSPORTS[transport]
    assert await ask(url, http, headers) == (accepted if kind == "good-jwt" else refused)
