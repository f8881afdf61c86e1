"""Resident account linking against the sandbox's ButterflyMX authorize and token endpoints."""

from __future__ import annotations

import base64
import logging
from dataclasses import replace
from typing import Any
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


async def _resident(admin: AuthGraph) -> tuple[str, dict[str, Any], dict[str, Any]]:
    """The sandbox's control URL, the first building, and a tenant of it with an e-mail."""
    body = await admin.query(
        "{ sandboxControlUrl buildings(first: 1) { edges { node { accessPoints { id } "
        "units(first: 5) { edges { node { tenants { id email } } } } } } } }"
    )
    building = body["data"]["buildings"]["edges"][0]["node"]
    units = building["units"]["edges"]
    resident = next(t for u in units for t in u["node"]["tenants"] if t["email"])
    return body["data"]["sandboxControlUrl"], building, resident


async def _authorize(http: aiohttp.ClientSession, authorize_url: str, email: str) -> str:
    """The resident logs in at ButterflyMX and allows; the callback URL they are sent to."""
    async with http.post(
        authorize_url,
        data={"username": email, "password": RESIDENT_PASSWORD, "decision": "allow"},
        allow_redirects=False,
    ) as response:
        assert response.status == 302, await response.text()
        return response.headers["Location"]


async def _link(http: aiohttp.ClientSession, url: str, headers: dict[str, str], email: str) -> None:
    async with http.get(f"{url}/link/butterflymx/start", headers=headers) as response:
        authorize_url = (await response.json())["authorize_url"]
    async with http.get(await _authorize(http, authorize_url, email)) as response:
        assert await response.json() == {"linked": True}


async def test_linking_end_to_end_with_replayed_and_forged_state_and_revocation(
    http: aiohttp.ClientSession, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    async with serve(SETTINGS) as url:
        control, _, resident = await _resident(AuthGraph(url, http, token(role="admin")))
        headers = {"Authorization": f"Bearer {token(role='tenant', sub='res-1')}"}

        async with http.get(f"{url}/link/butterflymx/start", headers=headers) as response:
            assert response.status == 200
            authorize_url = (await response.json())["authorize_url"]
        async with http.get(f"{url}/link/butterflymx/start") as response:
            assert response.status == 401  # a state is bound to someone

        callback = await _authorize(http, authorize_url, resident["email"])
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


UNLOCK = """
mutation($door: ID!, $tenant: ID, $idem: String!) {
  unlockDoor(input: {doorId: $door, tenantId: $tenant, idempotencyKey: $idem}) {
    __typename
    ... on UserError { code message }
    ... on VendorAuthError { vendor relink }
  }
}
"""


async def test_a_linked_resident_opens_doors_with_their_own_token_until_butterflymx_refuses(
    http: aiohttp.ClientSession,
) -> None:
    async with serve(SETTINGS) as url:
        admin = AuthGraph(url, http, token(role="admin"))
        control, building, resident = await _resident(admin)
        door = building["accessPoints"][0]["id"]
        tenant_id = base64.b64decode(resident["id"]).decode().rsplit(":", 1)[-1]
        tenant = AuthGraph(url, http, token(role="tenant", sub="res-2", tenant_ids=[tenant_id]))
        await _link(http, url, tenant.headers(), resident["email"])

        async def last_request() -> dict[str, int]:
            async with http.get(f"{control}/vendors/butterflymx") as response:
                made: list[dict[str, int]] = (await response.json())["recent_door_release_requests"]
            return made[-1] if made else {}

        opened = await tenant.query(UNLOCK, door=door, tenant=resident["id"], idem="own-1")
        assert opened["data"]["unlockDoor"]["__typename"] == "UnlockDoorSuccess", opened
        mine = await last_request()
        assert mine["requested_by_user_id"] == mine["tenant_user_id"]  # the resident's token
        # The same release by an admin goes with the server's own (the manager's) token.
        opened = await admin.query(UNLOCK, door=door, tenant=resident["id"], idem="admin-1")
        assert opened["data"]["unlockDoor"]["__typename"] == "UnlockDoorSuccess", opened
        theirs = await last_request()
        assert theirs["id"] > mine["id"]
        assert theirs["requested_by_user_id"] != theirs["tenant_user_id"]

        # ButterflyMX revokes the link; the resident's token is due: the refresh is refused,
        # the account unlinked, nothing opened, and the client told where to relink.
        async with http.post(f"{control}/tokens/butterflymx/revoke") as response:
            assert response.status < 300
        account = ResidentLinks.account(f"jwt:{ISSUER}:res-2")
        await _expire_stored_access_token(account)
        refused = await tenant.query(UNLOCK, door=door, tenant=resident["id"], idem="own-2")
        answer = refused["data"]["unlockDoor"]
        assert answer["__typename"] == "VendorAuthError", refused
        assert (answer["code"], answer["vendor"]) == ("VENDOR_AUTH", "butterflymx")
        assert answer["relink"] == "/link/butterflymx/start"
        assert await last_request() == theirs
        store = await open_store(SETTINGS)
        try:
            assert await store.tokens.load(account) is None
        finally:
            await store.close()
        # Relinked, the same idempotency key (released: nothing was done) opens the door.
        await _link(http, url, tenant.headers(), resident["email"])
        opened = await tenant.query(UNLOCK, door=door, tenant=resident["id"], idem="own-2")
        assert opened["data"]["unlockDoor"]["__typename"] == "UnlockDoorSuccess", opened
        again = await last_request()
        assert again["id"] > theirs["id"]
        assert again["requested_by_user_id"] == again["tenant_user_id"]
