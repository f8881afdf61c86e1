"""Token flows against the sandbox: client credentials, code exchange, rotation, revoke."""

from __future__ import annotations

import asyncio

import aiohttp
import pytest

from concierge.connectors.errors import VendorAuthError, VendorRejectedError
from concierge.connectors.remotelock import RemoteLockClient, build_client
from concierge.connectors.tokens import MemoryTokenStorage
from tests.conftest import RunningSandbox
from tests.connectors.remotelock.conftest import (
    TOKEN_ROUTE,
    VENDOR,
    MakeConfig,
    first_lock,
    reset_counters,
    route_count,
    sign_in,
)


async def test_client_credentials_log_in_once_and_reuse_the_token(
    client: RemoteLockClient, sandbox: RunningSandbox
) -> None:
    await client.account.get()
    await client.doors.list(ids=["x"])
    assert await route_count(sandbox, TOKEN_ROUTE) == 1
    assert client.tokens.logins == 1


async def test_code_exchange_keeps_a_rotating_token_pair(
    sandbox: RunningSandbox, http: aiohttp.ClientSession, config_for: MakeConfig
) -> None:
    config = config_for(grant="authorization_code")
    storage = MemoryTokenStorage()
    client = build_client(config, http, storage)
    await client.exchange_code(await sign_in(sandbox, http))
    first = await storage.load(config.token_key)
    assert first is not None
    assert first.refresh_token is not None

    await client.account.get()
    await sandbox.control("POST", f"/tokens/{VENDOR}/expire")
    await client.account.get()

    second = await storage.load(config.token_key)
    assert second is not None
    assert second.refresh_token not in (None, first.refresh_token)
    assert client.tokens.refreshes == 1
    assert client.auth is not None
    with pytest.raises(VendorAuthError):
        await client.auth.refresh(first.refresh_token)  # rotated: the old one is dead


@pytest.mark.parametrize("grant", ["client_credentials", "authorization_code"])
async def test_50_concurrent_calls_with_an_expired_token_cause_one_token_request(
    grant: str, sandbox: RunningSandbox, http: aiohttp.ClientSession, config_for: MakeConfig
) -> None:
    client = build_client(config_for(grant=grant), http, MemoryTokenStorage())
    if grant == "authorization_code":
        await client.exchange_code(await sign_in(sandbox, http))
    lock_id = await first_lock(client)
    await sandbox.control("POST", f"/tokens/{VENDOR}/expire")
    await reset_counters(sandbox)

    results = await asyncio.gather(*(client.doors.get(lock_id) for _ in range(50)))

    assert [r.id for r in results] == [lock_id] * 50
    assert await route_count(sandbox, TOKEN_ROUTE) == 1
    assert await route_count(sandbox, "GET /api/devices/{id}") == 100  # 50 refused, 50 resent


async def test_revoked_refresh_token_fails_once_then_fast_without_calling_the_vendor(
    code_client: RemoteLockClient, sandbox: RunningSandbox
) -> None:
    await code_client.account.get()
    await sandbox.control("POST", f"/tokens/{VENDOR}/revoke")
    await sandbox.control("POST", f"/tokens/{VENDOR}/expire")
    await reset_counters(sandbox)

    with pytest.raises(VendorAuthError):
        await code_client.account.get()
    assert await route_count(sandbox, TOKEN_ROUTE) == 1
    assert code_client.tokens.needs_reauthorization

    with pytest.raises(VendorAuthError, match="re-authorisation required"):
        await code_client.account.get()
    counters = await sandbox.counters(VENDOR)
    assert counters["routes"][TOKEN_ROUTE] == 1
    assert counters["routes"]["GET /api/account"] == 1  # the second call never left


async def test_a_new_code_exchange_restores_an_account_that_needs_reauthorization(
    code_client: RemoteLockClient, sandbox: RunningSandbox, http: aiohttp.ClientSession
) -> None:
    await sandbox.control("POST", f"/tokens/{VENDOR}/revoke")
    await sandbox.control("POST", f"/tokens/{VENDOR}/expire")
    with pytest.raises(VendorAuthError):
        await code_client.account.get()

    await code_client.exchange_code(await sign_in(sandbox, http))

    assert code_client.tokens.needs_reauthorization is None
    assert (await code_client.account.get()).name


async def test_an_authorization_code_works_only_once(
    sandbox: RunningSandbox, http: aiohttp.ClientSession, config_for: MakeConfig
) -> None:
    client = build_client(config_for(grant="authorization_code"), http, MemoryTokenStorage())
    code = await sign_in(sandbox, http)
    await client.exchange_code(code)
    with pytest.raises(VendorAuthError, match="invalid_grant"):
        await client.exchange_code(code)


async def test_code_flow_without_an_exchange_asks_for_authorization(
    sandbox: RunningSandbox, http: aiohttp.ClientSession, config_for: MakeConfig
) -> None:
    client = build_client(config_for(grant="authorization_code"), http, MemoryTokenStorage())
    with pytest.raises(VendorAuthError):
        await client.account.get()
    assert await route_count(sandbox, "GET /api/account") == 0


async def test_a_wrong_client_secret_is_an_auth_error(
    sandbox: RunningSandbox, http: aiohttp.ClientSession, config_for: MakeConfig
) -> None:
    client = build_client(config_for(client_secret="not-the-secret"), http, MemoryTokenStorage())
    with pytest.raises(VendorAuthError) as caught:
        await client.account.get()
    assert caught.value.status == 401
    assert "not-the-secret" not in str(caught.value)
    assert await route_count(sandbox, TOKEN_ROUTE) == 1  # a refused grant is not retried


async def test_a_revoked_access_token_is_replaced_by_a_new_client_credentials_grant(
    client: RemoteLockClient, sandbox: RunningSandbox
) -> None:
    await client.account.get()
    assert client.auth is not None
    await client.auth.revoke(await client.tokens.token())

    assert (await client.account.get()).name
    assert await route_count(sandbox, TOKEN_ROUTE) == 2
    assert await route_count(sandbox, "POST /connect/oauth/revoke") == 1


async def test_revoking_the_refresh_token_ends_the_code_flow_at_the_next_refresh(
    sandbox: RunningSandbox, http: aiohttp.ClientSession, config_for: MakeConfig
) -> None:
    config = config_for(grant="authorization_code")
    storage = MemoryTokenStorage()
    client = build_client(config, http, storage)
    await client.exchange_code(await sign_in(sandbox, http))
    stored = await storage.load(config.token_key)
    assert stored is not None
    assert stored.refresh_token is not None
    assert client.auth is not None

    await client.auth.revoke(stored.refresh_token)
    assert (await client.account.get()).name  # the access token still works
    await sandbox.control("POST", f"/tokens/{VENDOR}/expire")
    with pytest.raises(VendorAuthError):
        await client.account.get()


async def test_authorize_url_opens_the_sign_in_form_with_our_state(
    code_client: RemoteLockClient, http: aiohttp.ClientSession
) -> None:
    assert code_client.auth is not None
    url = code_client.auth.authorize_url("state-123")
    async with http.get(url) as response:
        page = await response.text()
    assert response.status == 200
    assert "value='state-123'" in page


async def test_the_accept_header_is_configurable_and_sent(
    sandbox: RunningSandbox, http: aiohttp.ClientSession, config_for: MakeConfig
) -> None:
    future = build_client(
        config_for(media_type="application/vnd.lockstate+json; version=2"),
        http,
        MemoryTokenStorage(),
    )
    with pytest.raises(VendorRejectedError) as caught:
        await future.account.get()
    assert caught.value.status == 406
    assert "version 2" in caught.value.message
