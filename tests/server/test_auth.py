"""Authentication: API keys and JWTs on HTTP and WebSocket, refused with 401 / close 4401."""

from __future__ import annotations

import json
import logging
from collections.abc import AsyncIterator
from dataclasses import replace

import aiohttp
import pytest

from concierge.server.settings import Settings
from concierge.server.store import open_store
from tests.conftest import serve
from tests.plugins.logged import note_secret
from tests.server.authgraph import AUDIENCE, ISSUER, SECRET, AuthGraph, token

SETTINGS = Settings(
    demo_activity_s=0,
    auth_required=True,
    jwt_secret=SECRET,
    jwt_issuer=ISSUER,
    jwt_audience=AUDIENCE,
)


async def _key(settings: Settings, role: str, **scope: list[str]) -> tuple[str, str]:
    store = await open_store(settings)
    try:
        record, text = await store.api_keys.create("test", role, dict(scope))
    finally:
        await store.close()
    note_secret(text)
    return record.id, text


async def _revoke(settings: Settings, key_id: str) -> None:
    store = await open_store(settings)
    try:
        assert await store.api_keys.revoke(key_id)
    finally:
        await store.close()


@pytest.fixture
async def url() -> AsyncIterator[str]:
    async with serve(SETTINGS) as running:
        yield running


async def test_requests_without_credentials_are_refused(
    url: str, http: aiohttp.ClientSession
) -> None:
    status, body, headers = await AuthGraph(url, http, None).post("{ vendors { vendor } }")
    assert status == 401
    assert body["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"
    assert headers["WWW-Authenticate"] == "Bearer"


# Bad JWTs and revoked keys on every transport: tests/server/test_bad_credentials.py.


async def test_a_good_jwt_and_a_live_api_key_are_accepted_and_a_revoked_key_is_not(
    url: str, http: aiohttp.ClientSession
) -> None:
    body = await AuthGraph(url, http, token(role="admin")).query("{ vendors { vendor } }")
    assert body["data"], body
    key_id, text = await _key(SETTINGS, "admin")
    graph = AuthGraph(url, http, text)
    assert (await graph.query("{ vendors { vendor } }"))["data"]["vendors"]
    await _revoke(SETTINGS, key_id)
    status, _, _ = await graph.post("{ vendors { vendor } }")
    assert status == 401
    # X-API-Key works the same way.
    async with http.post(
        f"{url}/graphql", json={"query": "{ vendors { vendor } }"}, headers={"X-API-Key": text}
    ) as response:
        assert response.status == 401


async def _ws(
    url: str, http: aiohttp.ClientSession, payload: dict[str, object]
) -> tuple[str, int | None]:
    async with http.ws_connect(
        url.replace("http", "ws") + "/graphql", protocols=["graphql-transport-ws"]
    ) as ws:
        await ws.send_str(json.dumps({"type": "connection_init", "payload": payload}))
        message = await ws.receive(timeout=10)
        if message.type == aiohttp.WSMsgType.TEXT:
            kind = json.loads(message.data)["type"]
            if kind == "connection_ack":
                await ws.send_str(
                    json.dumps(
                        {
                            "id": "1",
                            "type": "subscribe",
                            "payload": {"query": "{ vendors { vendor } }"},
                        }
                    )
                )
                answer = json.loads((await ws.receive(timeout=10)).data)
                assert answer["type"] == "next", answer
                assert answer["payload"]["data"]["vendors"]
            return kind, None
        return "closed", ws.close_code


async def test_websocket_connection_init_authenticates_the_same_way(
    url: str, http: aiohttp.ClientSession
) -> None:
    assert await _ws(url, http, {"Authorization": f"Bearer {token(role='admin')}"}) == (
        "connection_ack",
        None,
    )
    key_id, text = await _key(SETTINGS, "admin")
    assert (await _ws(url, http, {"apiKey": text}))[0] == "connection_ack"
    await _revoke(SETTINGS, key_id)
    assert await _ws(url, http, {"apiKey": text}) == ("closed", 4401)


async def test_the_demo_without_configuration_serves_a_logged_demo_principal(
    http: aiohttp.ClientSession, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.WARNING)
    async with serve(Settings(demo_activity_s=0)) as url:
        body = await AuthGraph(url, http, None).query(
            "{ buildings(first: 1) { edges { node { id } } } }"
        )
    assert body["data"]["buildings"]["edges"]
    assert "DEMO principal" in caplog.text


async def test_rate_limit_answers_429_with_retry_after_and_big_bodies_413(
    http: aiohttp.ClientSession,
) -> None:
    settings = replace(SETTINGS, rate_limit_per_minute=3, max_body_bytes=2000)
    async with serve(settings) as url:
        graph = AuthGraph(url, http, token(role="admin"))
        statuses = [(await graph.post("{ vendors { vendor } }"))[0] for _ in range(4)]
        assert statuses == [200, 200, 200, 429]
        status, body, headers = await graph.post("{ vendors { vendor } }")
        assert status == 429
        assert int(headers["Retry-After"]) >= 1
        assert body["errors"][0]["extensions"]["code"] == "RATE_LIMITED"
        # Another principal has its own budget.
        other = AuthGraph(url, http, token(role="admin", sub="user-2"))
        assert (await other.post("{ vendors { vendor } }"))[0] == 200
        big = "{ vendors { vendor } }" + " " * 5000
        status, body, _ = await AuthGraph(url, http, token(role="admin", sub="u3")).post(big)
        assert status == 413
        assert body["errors"][0]["extensions"]["code"] == "REQUEST_TOO_LARGE"


async def test_logs_of_logins_and_requests_hold_no_secrets(
    url: str, http: aiohttp.ClientSession, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    jwt_text = token(role="admin")
    _, key_text = await _key(SETTINGS, "admin")
    for credential in (jwt_text, key_text, "ck_bogus_bogus", token(role="admin", exp_in=-10)):
        await AuthGraph(url, http, credential).post(
            "{ buildings(first: 1) { edges { node { name "
            "units(first: 2) { edges { node { label } } } } } } }"
        )
    logged = caplog.text + repr(SETTINGS)
    for secret in (SECRET, jwt_text, key_text, key_text.split("_")[-1]):
        assert secret not in logged


async def test_rs256_tokens_are_checked_against_the_identity_providers_jwks(
    http: aiohttp.ClientSession,
) -> None:
    import jwt as pyjwt
    from aiohttp import web
    from cryptography.hazmat.primitives.asymmetric import rsa

    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    other = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    public = json.loads(pyjwt.algorithms.RSAAlgorithm.to_jwk(key.public_key()))
    fetches = 0

    async def jwks(request: web.Request) -> web.Response:
        nonlocal fetches
        fetches += 1
        return web.json_response({"keys": [{**public, "kid": "k1", "use": "sig", "alg": "RS256"}]})

    app = web.Application()
    app.router.add_get("/jwks.json", jwks)
    runner = web.AppRunner(app)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    port = runner.addresses[0][1]
    settings = replace(SETTINGS, jwt_secret=None, jwt_jwks_url=f"http://127.0.0.1:{port}/jwks.json")

    def signed(private: object, kid: str = "k1", **claims: object) -> str:
        body = json.loads(
            json.dumps(pyjwt.decode(token(role="admin"), options={"verify_signature": False}))
        )
        return pyjwt.encode({**body, **claims}, private, algorithm="RS256", headers={"kid": kid})  # type: ignore[arg-type]

    try:
        async with serve(settings) as url:
            assert (await AuthGraph(url, http, signed(key)).post("{ vendors { vendor } }"))[
                0
            ] == 200
            assert (await AuthGraph(url, http, signed(key)).post("{ vendors { vendor } }"))[
                0
            ] == 200
            assert fetches == 1  # cached
            assert (await AuthGraph(url, http, signed(other)).post("{ vendors { vendor } }"))[
                0
            ] == 401
            assert (
                await AuthGraph(url, http, signed(key, aud="x")).post("{ vendors { vendor } }")
            )[0] == 401
            # An HS256 token is not accepted when no shared secret is configured.
            assert (await AuthGraph(url, http, token(role="admin")).post("{ vendors { vendor } }"))[
                0
            ] == 401
    finally:
        await runner.cleanup()


def test_jwt_secret_is_masked_in_settings_repr() -> None:
    assert SECRET not in repr(SETTINGS)
    assert "jwt_secret='***'" in repr(SETTINGS)


def test_keys_cli_creates_lists_and_revokes(capsys: pytest.CaptureFixture[str]) -> None:
    from concierge.server.cli import main

    assert (
        main(["keys", "create", "--name", "console", "--role", "operator", "--building", "11741"])
        == 0
    )
    created = json.loads(capsys.readouterr().out)
    assert created["key"].startswith("ck_")
    assert main(["keys", "list"]) == 0
    listed = capsys.readouterr().out
    assert created["id"] in listed
    assert created["key"] not in listed
    assert main(["keys", "revoke", created["prefix"]]) == 0
    assert main(["keys", "revoke", created["prefix"]]) == 1
    assert main(["keys", "create", "--name", "x", "--role", "operator"]) == 2  # needs --building


async def test_the_ide_page_opens_without_credentials_but_its_operations_need_them(
    url: str, http: aiohttp.ClientSession
) -> None:
    async with http.get(f"{url}/graphql", headers={"Accept": "text/html"}) as response:
        assert response.status == 200
        assert "graphiql" in (await response.text()).lower()
    query = {"query": "{ vendors { vendor } }"}
    async with http.get(
        f"{url}/graphql", params=query, headers={"Accept": "text/html"}
    ) as response:
        assert response.status == 401
