"""Token flows: password grant, code exchange, rotating refresh, re-authorisation."""

from __future__ import annotations

import asyncio
from typing import Any
from urllib.parse import parse_qs, urlsplit

import aiohttp
import pytest

from concierge.connectors.butterflymx import ButterflyMXAuth, ButterflyMXClient, build_client
from concierge.connectors.errors import VendorAuthError
from concierge.connectors.http import VendorHTTP
from concierge.connectors.tokens import MemoryTokenStorage
from tests.conftest import RunningSandbox
from tests.connectors.butterflymx.conftest import (
    CODE_REDIRECT,
    TOKEN_ROUTE,
    ConfigFactory,
    RecordingStorage,
    authorization_code,
    reset_counters,
    route_count,
)


async def test_password_grant_logs_in_once_and_reuses_the_token(
    client: ButterflyMXClient, sandbox: RunningSandbox, storage: RecordingStorage
) -> None:
    me = await client.me.get()
    await client.buildings.list()
    assert me.user.email == sandbox.vendor("butterflymx")["credentials"]["username"]
    assert await route_count(sandbox, TOKEN_ROUTE) == 1
    assert len(storage.saved) == 1
    assert storage.saved[0].refresh_token  # the password grant also issues a refresh token


async def test_wrong_password_is_an_auth_error_that_asks_for_reauthorization(
    make_config: ConfigFactory, http: aiohttp.ClientSession
) -> None:
    client = build_client(make_config(password="not-the-password"), http, MemoryTokenStorage())
    with pytest.raises(VendorAuthError, match="invalid_grant"):
        await client.me.get()
    assert client.tokens.needs_reauthorization


async def test_code_exchange_signs_the_resident_in(
    make_config: ConfigFactory,
    http: aiohttp.ClientSession,
    bmx: dict[str, Any],
    sandbox: RunningSandbox,
) -> None:
    config = make_config(
        grant="authorization_code", username=None, password=None, redirect_uri=CODE_REDIRECT
    )
    client = build_client(config, http, MemoryTokenStorage())
    with pytest.raises(VendorAuthError):  # a code account has nothing until the code arrives
        await client.me.get()
    await client.exchange_code(await authorization_code(http, bmx))
    me = await client.me.get()
    assert me.user.email == bmx["credentials"]["resident"]["username"]
    assert client.tokens.needs_reauthorization is None
    assert await route_count(sandbox, TOKEN_ROUTE) == 1


async def test_a_used_authorization_code_is_refused(
    make_config: ConfigFactory, http: aiohttp.ClientSession, bmx: dict[str, Any]
) -> None:
    config = make_config(
        grant="authorization_code", username=None, password=None, redirect_uri=CODE_REDIRECT
    )
    client = build_client(config, http, MemoryTokenStorage())
    code = await authorization_code(http, bmx)
    await client.exchange_code(code)
    with pytest.raises(VendorAuthError, match="invalid_grant"):
        await client.exchange_code(code)


async def test_authorize_url_names_the_client_and_redirect_but_not_the_secret(
    make_config: ConfigFactory, http: aiohttp.ClientSession, bmx: dict[str, Any]
) -> None:
    auth = ButterflyMXAuth(
        VendorHTTP("butterflymx", http),
        bmx["auth_url"],
        client_id="cid",
        client_secret="shh",
        redirect_uri=CODE_REDIRECT,
    )
    url = urlsplit(auth.authorize_url(state="s1"))
    query = parse_qs(url.query)
    assert url.path.endswith("/oauth/authorize")
    assert query == {
        "client_id": ["cid"],
        "redirect_uri": [CODE_REDIRECT],
        "response_type": ["code"],
        "state": ["s1"],
    }
    assert "shh" in auth.authorize_url(include_secret=True)


async def test_refresh_rotates_both_tokens_and_stores_the_new_refresh_token_first(
    client: ButterflyMXClient,
    sandbox: RunningSandbox,
    storage: RecordingStorage,
    http: aiohttp.ClientSession,
    bmx: dict[str, Any],
) -> None:
    await client.me.get()
    first = storage.saved[-1]
    await sandbox.control("POST", "/tokens/butterflymx/expire")
    await client.buildings.list()
    second = storage.saved[-1]
    assert len(storage.saved) == 2
    assert second.access_token != first.access_token
    assert second.refresh_token not in (None, first.refresh_token)
    # The old refresh token is dead at the vendor, so only the stored one can continue.
    creds = bmx["credentials"]
    async with http.post(
        f"{bmx['auth_url']}/oauth/token",
        data={
            "grant_type": "refresh_token",
            "refresh_token": first.refresh_token or "",
            "client_id": creds["client_id"],
            "client_secret": creds["client_secret"],
        },
    ) as stale:
        assert stale.status == 401


async def test_fifty_concurrent_calls_with_an_expired_token_refresh_exactly_once(
    client: ButterflyMXClient, sandbox: RunningSandbox
) -> None:
    await client.me.get()
    await sandbox.control("POST", "/tokens/butterflymx/expire")
    await reset_counters(sandbox)
    results = await asyncio.gather(*(client.me.get() for _ in range(50)))
    assert len(results) == 50
    assert await route_count(sandbox, TOKEN_ROUTE) == 1
    assert client.tokens.refreshes == 1


async def test_revoked_refresh_token_fails_once_then_fast_without_the_token_endpoint(
    client: ButterflyMXClient, sandbox: RunningSandbox
) -> None:
    await client.me.get()
    await sandbox.control("POST", "/tokens/butterflymx/revoke")
    await sandbox.control("POST", "/tokens/butterflymx/expire")
    await reset_counters(sandbox)
    with pytest.raises(VendorAuthError, match="invalid_grant"):
        await client.me.get()
    assert client.tokens.needs_reauthorization
    assert await route_count(sandbox, TOKEN_ROUTE) == 1
    with pytest.raises(VendorAuthError, match="re-authorisation required"):
        await client.me.get()
    counters = await sandbox.counters("butterflymx")
    assert counters["routes"].get(TOKEN_ROUTE) == 1
    assert counters["routes"].get("GET /api/v3/me") == 1  # the second call sent nothing


async def test_reauthorizing_with_a_fresh_code_recovers_a_revoked_account(
    make_config: ConfigFactory,
    http: aiohttp.ClientSession,
    bmx: dict[str, Any],
    sandbox: RunningSandbox,
) -> None:
    config = make_config(
        grant="authorization_code", username=None, password=None, redirect_uri=CODE_REDIRECT
    )
    client = build_client(config, http, MemoryTokenStorage())
    await client.exchange_code(await authorization_code(http, bmx))
    await sandbox.control("POST", "/tokens/butterflymx/revoke")
    await sandbox.control("POST", "/tokens/butterflymx/expire")
    with pytest.raises(VendorAuthError):
        await client.me.get()
    await client.exchange_code(await authorization_code(http, bmx))
    assert (await client.me.get()).user.email == bmx["credentials"]["resident"]["username"]
