"""Resident account linking against the sandbox's ButterflyMX authorize and token endpoints."""

from __future__ import annotations

import logging
from dataclasses import replace
from urllib.parse import parse_qs, urlsplit

import aiohttp
import pytest

from concierge.resolvers.residents import ResidentLinks
from concierge.server.store import open_store
from tests.conftest import serve
from tests.server.authgraph import ISSUER, AuthGraph, token
from tests.server.test_auth import SETTINGS

RESIDENT_PASSWORD = "butterfly-resident-demo"  # the sandbox's shared demo password


async def _expire_stored_access_token(account: str) -> tuple[str, str | None]:
    store = await open_store(SETTINGS)
    try:
        tokens = await store.tokens.load(account)
        assert tokens is not None
        await store.tokens.save(account, replace(tokens, expires_at=0))
        return tokens.access_token, tokens.refresh_token
    finally:
        await store.close()


async def test_linking_end_to_end_with_replayed_and_forged_state_and_revocation(
    http: aiohttp.ClientSession, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    async with serve(SETTINGS) as url:
        admin = AuthGraph(url, http, token(role="admin"))
        body = await admin.query(
            "{ sandboxControlUrl buildings(first: 1) { edges { node { units(first: 5) "
            "{ edges { node { tenants { id email } } } } } } } }"
        )
        control = body["data"]["sandboxControlUrl"]
        units = body["data"]["buildings"]["edges"][0]["node"]["units"]["edges"]
        resident = next(t for u in units for t in u["node"]["tenants"] if t["email"])
        headers = {"Authorization": f"Bearer {token(role='tenant', sub='res-1')}"}

        async with http.get(f"{url}/link/butterflymx/start", headers=headers) as response:
            assert response.status == 200
            authorize_url = (await response.json())["authorize_url"]
        async with http.get(f"{url}/link/butterflymx/start") as response:
            assert response.status == 401  # a state is bound to someone

        # The resident logs in at ButterflyMX and is sent back with a code and the state.
        async with http.post(
            authorize_url,
            data={
                "username": resident["email"],
                "password": RESIDENT_PASSWORD,
                "decision": "allow",
            },
            allow_redirects=False,
        ) as response:
            assert response.status == 302, await response.text()
            callback = response.headers["Location"]
        assert callback.startswith(f"{url}/link/butterflymx/callback")
        assert parse_qs(urlsplit(callback).query)["code"]

        async with http.get(callback) as response:
            assert response.status == 200, await response.text()
            assert await response.json() == {"linked": True}
        async with http.get(callback) as response:  # replayed
            assert response.status == 400
            assert (await response.json())["errors"][0]["extensions"]["code"] == "INVALID_STATE"
        async with http.get(f"{url}/link/butterflymx/callback?state=forged&code=x") as response:
            assert response.status == 400
        async with http.get(f"{url}/link/butterflymx", headers=headers) as response:
            assert await response.json() == {"linked": True}

        account = ResidentLinks.account(f"jwt:{ISSUER}:res-1")
        # Due for refresh: refreshed once (the refresh token rotates) and still linked.
        old_access, old_refresh = await _expire_stored_access_token(account)
        async with http.get(f"{url}/link/butterflymx", headers=headers) as response:
            assert await response.json() == {"linked": True}
        new_access, new_refresh = await _expire_stored_access_token(account)
        assert (new_access, new_refresh) != (old_access, old_refresh)

        # ButterflyMX revokes the refresh token: the next refresh unlinks, the client relinks.
        async with http.post(f"{control}/tokens/butterflymx/revoke") as response:
            assert response.status < 300
        async with http.get(f"{url}/link/butterflymx", headers=headers) as response:
            assert response.status == 409
            answer = await response.json()
        assert answer["code"] == "VENDOR_AUTH"
        assert answer["relink"] == "/link/butterflymx/start"
        store = await open_store(SETTINGS)
        try:
            assert await store.tokens.load(account) is None
        finally:
            await store.close()
        async with http.get(control) as response:
            info = await response.json()
    secrets = [
        old_access,
        new_access,
        info["vendors"]["butterflymx"]["credentials"]["client_secret"],
    ]
    secrets += [t for t in (old_refresh, new_refresh) if t]
    for secret in secrets:
        assert secret not in caplog.text
