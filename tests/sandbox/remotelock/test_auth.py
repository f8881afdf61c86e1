"""OAuth against the simulated RemoteLock: code flow via the sign-in form, client credentials,
refresh rotation, revocation, and what the API answers to bad tokens."""

from __future__ import annotations

import base64
from typing import Any
from urllib.parse import parse_qs, urlsplit

import aiohttp

from tests.conftest import RunningSandbox
from tests.sandbox.remotelock.conftest import RemoteLock

LOOPBACK_CALLBACK = "http://127.0.0.1:9999/callback"


async def _sign_in(
    rl: RemoteLock,
    *,
    password: str | None = None,
    decision: str = "allow",
    redirect_uri: str = LOOPBACK_CALLBACK,
) -> aiohttp.ClientResponse:
    form = {
        "client_id": rl.creds["client_id"],
        "redirect_uri": redirect_uri,
        "response_type": "code",
        "state": "xyz",
        "username": rl.creds["username"],
        "password": password or rl.creds["password"],
        "decision": decision,
    }
    async with rl.http.post(
        f"{rl.auth_url}/oauth/authorize", data=form, allow_redirects=False
    ) as response:
        await response.read()
        return response


async def _code(rl: RemoteLock, redirect_uri: str = LOOPBACK_CALLBACK) -> str:
    response = await _sign_in(rl, redirect_uri=redirect_uri)
    assert response.status == 302
    query = parse_qs(urlsplit(response.headers["Location"]).query)
    return query["code"][0]


async def _exchange(
    rl: RemoteLock, code: str, redirect_uri: str = LOOPBACK_CALLBACK
) -> dict[str, Any]:
    reply = await rl.token_request(
        grant_type="authorization_code",
        code=code,
        redirect_uri=redirect_uri,
        client_id=rl.creds["client_id"],
        client_secret=rl.creds["client_secret"],
    )
    assert reply.status == 200, reply.text
    return dict(reply.body)


async def test_authorize_page_renders_a_sign_in_form(rl: RemoteLock) -> None:
    params = {
        "client_id": rl.creds["client_id"],
        "response_type": "code",
        "redirect_uri": rl.creds["redirect_uri"],
        "state": "s1",
    }
    async with rl.http.get(f"{rl.auth_url}/oauth/authorize", params=params) as response:
        page = await response.text()
    assert response.status == 200
    assert response.content_type == "text/html"
    assert "name='username'" in page
    assert "name='password'" in page
    assert "value='s1'" in page


async def test_authorize_rejects_unknown_client_without_redirecting(rl: RemoteLock) -> None:
    params = {"client_id": "nope", "response_type": "code", "redirect_uri": LOOPBACK_CALLBACK}
    async with rl.http.get(
        f"{rl.auth_url}/oauth/authorize", params=params, allow_redirects=False
    ) as response:
        assert response.status == 400
        assert "Location" not in response.headers


async def test_authorization_code_flow_issues_tokens_for_the_signed_in_user(
    rl: RemoteLock,
) -> None:
    response = await _sign_in(rl)
    location = response.headers["Location"]
    assert location.startswith(LOOPBACK_CALLBACK + "?")
    query = parse_qs(urlsplit(location).query)
    assert query["state"] == ["xyz"]
    tokens = await _exchange(rl, query["code"][0])
    assert list(tokens) == ["access_token", "expires_in", "token_type", "refresh_token"]
    assert tokens["access_token"].startswith("1/")
    assert tokens["refresh_token"].startswith("1/")
    assert tokens["expires_in"] == 7200
    assert tokens["token_type"] == "Bearer"
    user = await rl.get("/user", token=tokens["access_token"])
    assert user.status == 200
    assert user.data["attributes"]["email"] == rl.creds["username"]


async def test_authorization_code_is_single_use(rl: RemoteLock) -> None:
    code = await _code(rl)
    await _exchange(rl, code)
    again = await rl.token_request(
        grant_type="authorization_code",
        code=code,
        redirect_uri=LOOPBACK_CALLBACK,
        client_id=rl.creds["client_id"],
        client_secret=rl.creds["client_secret"],
    )
    assert again.status == 400
    assert again.body["error"] == "invalid_grant"
    assert "error_description" in again.body


async def test_code_exchange_requires_the_same_redirect_uri(rl: RemoteLock) -> None:
    code = await _code(rl)
    reply = await rl.token_request(
        grant_type="authorization_code",
        code=code,
        redirect_uri="http://127.0.0.1:1/other",
        client_id=rl.creds["client_id"],
        client_secret=rl.creds["client_secret"],
    )
    assert reply.status == 400
    assert reply.body["error"] == "invalid_grant"


async def test_wrong_password_rerenders_the_form_and_deny_redirects_with_access_denied(
    rl: RemoteLock,
) -> None:
    wrong = await _sign_in(rl, password="wrong")
    assert wrong.status == 401
    denied = await _sign_in(rl, decision="deny")
    assert denied.status == 302
    query = parse_qs(urlsplit(denied.headers["Location"]).query)
    assert query["error"] == ["access_denied"]
    assert query["state"] == ["xyz"]


async def test_client_credentials_has_no_refresh_token(rl: RemoteLock) -> None:
    reply = await rl.token_request(
        grant_type="client_credentials",
        client_id=rl.creds["client_id"],
        client_secret=rl.creds["client_secret"],
    )
    assert reply.status == 200
    assert set(reply.body) == {"access_token", "expires_in", "token_type"}
    assert reply.headers["Cache-Control"] == "no-store"


async def test_wrong_client_secret_is_invalid_client_401(rl: RemoteLock) -> None:
    reply = await rl.token_request(
        grant_type="client_credentials", client_id=rl.creds["client_id"], client_secret="nope"
    )
    assert reply.status == 401
    assert reply.body["error"] == "invalid_client"


async def test_client_may_authenticate_with_http_basic(rl: RemoteLock) -> None:
    def basic(secret: str) -> dict[str, str]:
        pair = f"{rl.creds['client_id']}:{secret}".encode()
        return {"Authorization": "Basic " + base64.b64encode(pair).decode()}

    url, form = f"{rl.auth_url}/oauth/token", {"grant_type": "client_credentials"}
    async with rl.http.post(url, headers=basic(rl.creds["client_secret"]), data=form) as response:
        assert response.status == 200
    async with rl.http.post(url, headers=basic("wrong"), data=form) as response:
        assert response.status == 401
        assert response.headers["WWW-Authenticate"].startswith("Basic")


async def test_unknown_or_missing_grant_type_is_rejected(rl: RemoteLock) -> None:
    creds = {"client_id": rl.creds["client_id"], "client_secret": rl.creds["client_secret"]}
    unsupported = await rl.token_request(grant_type="password", **creds)
    assert unsupported.status == 400
    assert unsupported.body["error"] == "unsupported_grant_type"
    missing = await rl.token_request(**creds)
    assert missing.body["error"] == "invalid_request"


async def test_refresh_rotates_and_old_refresh_token_is_rejected(rl: RemoteLock) -> None:
    first = await _exchange(rl, await _code(rl))
    creds = {"client_id": rl.creds["client_id"], "client_secret": rl.creds["client_secret"]}
    rotated = await rl.token_request(
        grant_type="refresh_token", refresh_token=first["refresh_token"], **creds
    )
    assert rotated.status == 200
    assert rotated.body["refresh_token"] != first["refresh_token"]
    assert rotated.body["access_token"] != first["access_token"]
    stale = await rl.token_request(
        grant_type="refresh_token", refresh_token=first["refresh_token"], **creds
    )
    assert stale.status == 400
    assert stale.body["error"] == "invalid_grant"
    fresh = await rl.token_request(
        grant_type="refresh_token", refresh_token=rotated.body["refresh_token"], **creds
    )
    assert fresh.status == 200


async def test_revoke_endpoint_answers_200_and_the_token_stops_working(rl: RemoteLock) -> None:
    token = await rl.client_credentials()
    assert (await rl.get("/locations", token=token)).status == 200
    async with rl.http.post(
        f"{rl.auth_url}/oauth/revoke",
        data={
            "client_id": rl.creds["client_id"],
            "client_secret": rl.creds["client_secret"],
            "token": token,
        },
    ) as response:
        assert response.status == 200
        assert await response.json() == {}
    refused = await rl.get("/locations", token=token)
    assert refused.status == 401
    assert refused.body == {"message": "The access token was revoked", "type": "unauthorized"}


async def test_revoke_needs_client_authentication(rl: RemoteLock) -> None:
    async with rl.http.post(
        f"{rl.auth_url}/oauth/revoke", data={"client_id": "x", "client_secret": "y", "token": "1/z"}
    ) as r:
        assert r.status == 401
        assert (await r.json())["error"] == "invalid_client"


async def test_refresh_tokens_revoked_through_the_control_api_fail(
    rl: RemoteLock, sandbox: RunningSandbox
) -> None:
    tokens = await _exchange(rl, await _code(rl))
    revoked = await sandbox.control("POST", "/tokens/remotelock/revoke")
    assert revoked["revoked"] >= 1
    reply = await rl.token_request(
        grant_type="refresh_token",
        refresh_token=tokens["refresh_token"],
        client_id=rl.creds["client_id"],
        client_secret=rl.creds["client_secret"],
    )
    assert reply.status == 400
    assert reply.body["error"] == "invalid_grant"


async def test_access_token_expired_through_the_control_api_gets_401(
    rl: RemoteLock, sandbox: RunningSandbox
) -> None:
    await sandbox.control("POST", "/tokens/remotelock/expire")
    reply = await rl.get("/locations")
    assert reply.status == 401
    assert reply.body == {"message": "The access token expired", "type": "unauthorized"}
    assert 'error="invalid_token"' in reply.headers["WWW-Authenticate"]


async def test_token_expires_after_two_hours_of_sandbox_time(
    rl: RemoteLock, sandbox: RunningSandbox
) -> None:
    await sandbox.control("POST", "/clock/advance", json={"seconds": 7201})
    assert (await rl.get("/locations")).status == 401


async def test_missing_or_unknown_bearer_token_gets_401(rl: RemoteLock) -> None:
    missing = await rl.get("/locations", token="")
    assert missing.status == 401
    assert missing.body["type"] == "unauthorized"
    assert "X-RateLimit-Limit" not in missing.headers
    unknown = await rl.get("/locations", token="1/not-a-token")
    assert unknown.status == 401
    assert unknown.body["message"] == "The access token is invalid"
