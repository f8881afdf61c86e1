"""Token flows against the sandbox: cached client login, user login with rotating refresh."""

from __future__ import annotations

import asyncio

import aiohttp
import pytest

from concierge.connectors.butlr import ButlrClient, Space, build_client
from concierge.connectors.butlr.auth import authorized_party
from concierge.connectors.errors import VendorAuthError
from concierge.connectors.tokens import MemoryTokenStorage
from tests.conftest import RunningSandbox
from tests.connectors.butlr.conftest import (
    CLIENT_LOGIN,
    REFRESH,
    USER_LOGIN,
    VENDOR,
    MakeConfig,
    reset_counters,
    route_count,
)


async def test_client_credentials_log_in_once_and_reuse_the_token(
    client: ButlrClient, sandbox: RunningSandbox
) -> None:
    spaces = await client.spaces.list()
    await client.spaces.get(spaces[0].id)
    await client.spaces.list()

    assert await route_count(sandbox, CLIENT_LOGIN) == 1
    assert client.tokens.logins == 1


async def test_an_expired_client_token_is_replaced_by_a_new_login(
    client: ButlrClient, space: Space, sandbox: RunningSandbox
) -> None:
    await sandbox.control("POST", f"/tokens/{VENDOR}/expire")

    assert (await client.spaces.get(space.id)).id == space.id
    assert await route_count(sandbox, CLIENT_LOGIN) == 2
    assert await route_count(sandbox, REFRESH) == 0  # client credentials have no refresh


async def test_50_concurrent_calls_with_an_expired_token_cause_exactly_one_login(
    client: ButlrClient, space: Space, sandbox: RunningSandbox
) -> None:
    await sandbox.control("POST", f"/tokens/{VENDOR}/expire")
    await reset_counters(sandbox)

    results = await asyncio.gather(*(client.spaces.get(space.id) for _ in range(50)))

    assert [s.id for s in results] == [space.id] * 50
    assert await route_count(sandbox, CLIENT_LOGIN) == 1
    assert await route_count(sandbox, "GET /api/v2/spaces/{space_id}") == 100  # 50 refused, resent


async def test_user_refresh_names_the_tokens_azp_and_rotates_the_refresh_token(
    sandbox: RunningSandbox, http: aiohttp.ClientSession, config_for: MakeConfig
) -> None:
    config = config_for(grant="password")
    storage = MemoryTokenStorage()
    client = build_client(config, http, storage)
    await client.spaces.list()
    first = await storage.load(config.token_key)
    assert first is not None
    assert first.refresh_token is not None
    # The refresh must name Butlr's app client (the user token's `azp`), not ours.
    assert authorized_party(first.access_token) != config.client_id

    await sandbox.control("POST", f"/tokens/{VENDOR}/expire")
    await client.spaces.list()

    second = await storage.load(config.token_key)
    assert second is not None
    assert second.refresh_token not in (None, first.refresh_token)
    assert await route_count(sandbox, USER_LOGIN) == 1
    assert await route_count(sandbox, REFRESH) == 1
    assert client.auth is not None
    with pytest.raises(VendorAuthError):
        await client.auth.refresh(first.refresh_token)  # rotated: the old one is dead


async def test_a_restarted_process_refreshes_with_the_stored_tokens(
    sandbox: RunningSandbox, http: aiohttp.ClientSession, config_for: MakeConfig
) -> None:
    config = config_for(grant="password")
    storage = MemoryTokenStorage()
    await build_client(config, http, storage).spaces.list()
    await sandbox.control("POST", f"/tokens/{VENDOR}/expire")

    restarted = build_client(config, http, storage)  # knows nothing but the storage
    assert await restarted.spaces.list()

    assert await route_count(sandbox, USER_LOGIN) == 1
    assert await route_count(sandbox, REFRESH) == 1
    assert restarted.tokens.refreshes == 1


async def test_a_revoked_refresh_token_fails_once_then_fast_without_calling_the_vendor(
    user_client: ButlrClient, space: Space, sandbox: RunningSandbox
) -> None:
    await user_client.spaces.get(space.id)
    await sandbox.control("POST", f"/tokens/{VENDOR}/revoke")
    await sandbox.control("POST", f"/tokens/{VENDOR}/expire")
    await reset_counters(sandbox)

    with pytest.raises(VendorAuthError) as first:
        await user_client.spaces.get(space.id)
    assert first.value.status == 401
    assert await route_count(sandbox, REFRESH) == 1
    assert user_client.tokens.needs_reauthorization

    with pytest.raises(VendorAuthError, match="re-authorisation required"):
        await user_client.spaces.get(space.id)
    counters = await sandbox.counters(VENDOR)
    assert counters["routes"] == {"GET /api/v2/spaces/{space_id}": 1, REFRESH: 1}


async def test_reauthorize_signs_the_user_in_again_after_a_refused_refresh(
    user_client: ButlrClient, space: Space, sandbox: RunningSandbox
) -> None:
    await user_client.spaces.get(space.id)
    await sandbox.control("POST", f"/tokens/{VENDOR}/revoke")
    await sandbox.control("POST", f"/tokens/{VENDOR}/expire")
    with pytest.raises(VendorAuthError):
        await user_client.spaces.get(space.id)

    await user_client.reauthorize()

    assert user_client.tokens.needs_reauthorization is None
    assert (await user_client.spaces.get(space.id)).id == space.id
    assert await route_count(sandbox, USER_LOGIN) == 2


async def test_a_wrong_client_secret_is_an_auth_error_sent_once_without_the_secret(
    sandbox: RunningSandbox, http: aiohttp.ClientSession, config_for: MakeConfig
) -> None:
    client = build_client(config_for(client_secret="not-the-secret"), http, MemoryTokenStorage())

    with pytest.raises(VendorAuthError) as caught:
        await client.spaces.list()

    assert caught.value.status == 401
    assert "not-the-secret" not in str(caught.value)
    assert await route_count(sandbox, CLIENT_LOGIN) == 1  # a refused grant is not retried
    assert await route_count(sandbox, "GET /api/v2/spaces") == 0


async def test_a_wrong_password_is_an_auth_error(
    sandbox: RunningSandbox, http: aiohttp.ClientSession, config_for: MakeConfig
) -> None:
    client = build_client(
        config_for(grant="password", password="wrong"), http, MemoryTokenStorage()
    )
    with pytest.raises(VendorAuthError):
        await client.spaces.list()
    assert await route_count(sandbox, USER_LOGIN) == 1
