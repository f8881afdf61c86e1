"""`connectors.tokens`: single-flight refresh, rotation saved first, refusal, invalidation.

Against the sandbox's RemoteLock token endpoint (authorization code flow, rotating
refresh tokens), with its control API to expire and revoke tokens.
"""

from __future__ import annotations

import asyncio
from dataclasses import replace

import aiohttp
import pytest

from concierge.connectors.errors import VendorAuthError
from concierge.connectors.remotelock import RemoteLockClient, build_client
from concierge.connectors.tokens import MemoryTokenStorage, TokenSet
from tests.conftest import RunningSandbox
from tests.connectors.remotelock.conftest import (
    TOKEN_ROUTE,
    VENDOR,
    make_config,
    route_count,
    sign_in,
)


class FailingStorage(MemoryTokenStorage):
    """A store that cannot write (a database outage)."""

    async def save(self, key: str, tokens: TokenSet) -> None:
        raise OSError("the store is down")


async def _with_expired_tokens(
    sandbox: RunningSandbox, http: aiohttp.ClientSession, storage: MemoryTokenStorage
) -> tuple[RemoteLockClient, TokenSet]:
    """A fresh client whose stored tokens are past their expiry (refresh token still good)."""
    config = make_config(sandbox, grant="authorization_code")
    exchanged = MemoryTokenStorage()
    first = build_client(config, http, exchanged)
    await first.exchange_code(await sign_in(sandbox, http))
    stored = await exchanged.load(config.token_key)
    assert stored is not None
    expired = replace(stored, expires_at=0.0)
    await MemoryTokenStorage.save(storage, config.token_key, expired)
    return build_client(config, http, storage), expired


async def test_20_concurrent_callers_cause_one_refresh(
    sandbox: RunningSandbox, http: aiohttp.ClientSession
) -> None:
    client, expired = await _with_expired_tokens(sandbox, http, MemoryTokenStorage())
    before = await route_count(sandbox, TOKEN_ROUTE)

    tokens = await asyncio.gather(*(client.tokens.token() for _ in range(20)))

    assert len(set(tokens)) == 1
    assert tokens[0] != expired.access_token
    assert await route_count(sandbox, TOKEN_ROUTE) == before + 1
    assert client.tokens.refreshes == 1


async def test_the_rotated_refresh_token_is_saved_before_the_new_token_is_used(
    sandbox: RunningSandbox, http: aiohttp.ClientSession
) -> None:
    storage = MemoryTokenStorage()
    client, expired = await _with_expired_tokens(sandbox, http, storage)
    await client.tokens.token()
    saved = await storage.load(client.tokens.key)
    assert saved is not None
    assert saved.refresh_token not in (None, expired.refresh_token)

    failing = FailingStorage()
    unsaved, _ = await _with_expired_tokens(sandbox, http, failing)
    with pytest.raises(OSError, match="store is down"):
        await unsaved.tokens.token()
    # The vendor rotated the pair, but a token we could not save is never handed out.
    assert not unsaved.tokens.held


async def test_a_refused_refresh_needs_reauthorization_and_then_fails_fast(
    sandbox: RunningSandbox, http: aiohttp.ClientSession
) -> None:
    client, _ = await _with_expired_tokens(sandbox, http, MemoryTokenStorage())
    await sandbox.control("POST", f"/tokens/{VENDOR}/revoke")

    with pytest.raises(VendorAuthError):
        await client.tokens.token()
    assert client.tokens.needs_reauthorization
    sent = await route_count(sandbox, TOKEN_ROUTE)
    for _ in range(3):
        with pytest.raises(VendorAuthError, match="re-authorisation required"):
            await client.tokens.token()
    assert await route_count(sandbox, TOKEN_ROUTE) == sent  # no refresh loop

    await client.exchange_code(await sign_in(sandbox, http))
    assert not client.tokens.needs_reauthorization
    assert (await client.account.get()).id


async def test_invalidate_drops_only_the_token_that_was_rejected(
    sandbox: RunningSandbox, http: aiohttp.ClientSession
) -> None:
    client, expired = await _with_expired_tokens(sandbox, http, MemoryTokenStorage())
    current = await client.tokens.token()

    await client.tokens.invalidate(expired.access_token)  # a late report of the old token
    assert client.tokens.held
    assert await client.tokens.token() == current
    assert client.tokens.refreshes == 1

    await sandbox.control("POST", f"/tokens/{VENDOR}/expire")
    await client.tokens.invalidate(current)  # the vendor refused the current one (401)
    assert not client.tokens.held
    renewed = await client.tokens.token()
    assert renewed != current
    assert client.tokens.refreshes == 2
    assert (await client.account.get()).id  # and the renewed token works


async def test_two_replicas_sharing_a_store_do_not_refresh_with_a_rotated_away_token(
    sandbox: RunningSandbox, http: aiohttp.ClientSession
) -> None:
    storage = MemoryTokenStorage()
    one, _ = await _with_expired_tokens(sandbox, http, storage)
    two = build_client(make_config(sandbox, grant="authorization_code"), http, storage)
    shared = await two.tokens.token()  # two refreshes; one then reads the same set
    assert await one.tokens.token() == shared
    # Both must renew (the vendor rejected the token); replica one gets there first and
    # its refresh rotates the refresh token both were holding.
    await one.tokens.invalidate(shared)
    await two.tokens.invalidate(shared)
    renewed = await one.tokens.token()
    before = await route_count(sandbox, TOKEN_ROUTE)

    assert await two.tokens.token() == renewed  # read from the store, not refreshed again
    assert await route_count(sandbox, TOKEN_ROUTE) == before
    assert not two.tokens.needs_reauthorization
