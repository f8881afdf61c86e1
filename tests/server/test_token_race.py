"""Two replicas sharing PostgreSQL renew one vendor account at the same moment: one refresh
reaches the vendor, and neither is left asking for re-authorisation."""

from __future__ import annotations

import asyncio
from dataclasses import replace

import aiohttp
import pytest
from cryptography.fernet import Fernet, MultiFernet

from concierge.connectors.remotelock import build_client
from concierge.connectors.tokens import MemoryTokenStorage
from concierge.resolvers.store.sql import SqlStore
from tests.conftest import RunningSandbox
from tests.connectors.remotelock.conftest import TOKEN_ROUTE, make_config, route_count, sign_in
from tests.resolvers.store.conftest import fresh_postgres_database


@pytest.mark.requires_postgres
@pytest.mark.parametrize("rounds", [5])
async def test_simultaneous_refreshes_by_two_replicas_send_one_and_both_keep_working(
    sandbox: RunningSandbox, http: aiohttp.ClientSession, rounds: int
) -> None:
    config = make_config(sandbox, grant="authorization_code")
    exchanged = MemoryTokenStorage()
    await build_client(config, http, exchanged).exchange_code(await sign_in(sandbox, http))
    signed_in = await exchanged.load(config.token_key)
    assert signed_in is not None
    key = MultiFernet([Fernet(Fernet.generate_key())])
    async with fresh_postgres_database() as url:
        one, two = await SqlStore.open(url, key), await SqlStore.open(url, key)
        try:
            for _ in range(rounds):
                # Both replicas hold the same set, past its expiry: both must renew now,
                # with the one refresh token the vendor will rotate on first use.
                stored = await one.tokens.load(config.token_key) or signed_in
                await one.tokens.save(config.token_key, replace(stored, expires_at=0.0))
                first = build_client(config, http, one.tokens)
                second = build_client(config, http, two.tokens)
                before = await route_count(sandbox, TOKEN_ROUTE)
                a, b = await asyncio.gather(first.tokens.token(), second.tokens.token())
                assert a == b
                assert await route_count(sandbox, TOKEN_ROUTE) == before + 1
                assert not first.tokens.needs_reauthorization
                assert not second.tokens.needs_reauthorization
                assert (await second.account.get()).id
        finally:
            await one.close()
            await two.close()
