"""OAuth flows on the accounts host, bearer checks on the API, and password change."""

from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

import aiohttp

from tests.conftest import RunningSandbox
from tests.sandbox.butterflymx.conftest import Bmx

INVALID_CLIENT = (
    "Client authentication failed due to unknown client, no client authentication "
    "included, or unsupported authentication method."
)


def _authorize_params(bmx: Bmx, redirect_uri: str, **extra: str) -> dict[str, str]:
    return {
        "client_id": bmx.creds["client_id"],
        "redirect_uri": redirect_uri,
        "response_type": "code",
        "client_secret": bmx.creds["client_secret"],
        **extra,
    }


async def test_code_flow_via_login_form_issues_doorkeeper_tokens(bmx: Bmx) -> None:
    redirect = "http://127.0.0.1:9/oauth/callback"
    params = _authorize_params(bmx, redirect, state="xyz")
    async with bmx.http.get(f"{bmx.auth_url}/oauth/authorize", params=params) as page:
        assert page.status == 200
        assert "text/html" in page.headers["Content-Type"]
        assert 'name="password"' in await page.text()
    form = {
        **params,
        "username": bmx.creds["resident"]["username"],
        "password": bmx.creds["resident"]["password"],
    }
    async with bmx.http.post(
        f"{bmx.auth_url}/oauth/authorize", data=form, allow_redirects=False
    ) as answer:
        assert answer.status == 302
        location = urlsplit(answer.headers["Location"])
    assert f"{location.scheme}://{location.netloc}{location.path}" == redirect
    query = parse_qs(location.query)
    assert query["state"] == ["xyz"]
    exchange = {
        "grant_type": "authorization_code",
        "code": query["code"][0],
        "client_id": bmx.creds["client_id"],
        "client_secret": bmx.creds["client_secret"],
        "redirect_uri": redirect,
    }
    reply = await bmx.token_request(exchange, multipart=True)  # the reference uses --form
    assert reply.status == 200
    assert set(reply.body) == {
        "access_token",
        "token_type",
        "expires_in",
        "refresh_token",
        "created_at",
    }
    assert reply.body["access_token"].startswith("eyJ0eXAi")
    assert reply.body["token_type"] == "bearer"
    assert reply.body["expires_in"] == 7200
    me = await bmx.call("GET", "/v3/me", reply.body["access_token"])
    assert me.status == 200
    assert me.body["data"]["attributes"]["email"] == bmx.creds["resident"]["username"]
    again = await bmx.token_request(exchange)
    assert again.status == 400
    assert again.body["error"] == "invalid_grant"


async def test_login_form_rejects_wrong_password_and_bad_redirect(bmx: Bmx) -> None:
    params = _authorize_params(bmx, "http://localhost/cb")
    form = {**params, "username": bmx.creds["username"], "password": "nope"}
    async with bmx.http.post(
        f"{bmx.auth_url}/oauth/authorize", data=form, allow_redirects=False
    ) as answer:
        assert answer.status == 401
        assert "Invalid Email or password." in await answer.text()
    bad = _authorize_params(bmx, "https://evil.example.com/cb")
    async with bmx.http.get(f"{bmx.auth_url}/oauth/authorize", params=bad) as page:
        assert page.status == 400
        assert "invalid_redirect_uri" in await page.text()
    wrong_type = _authorize_params(bmx, "http://localhost/cb", response_type="token")
    async with bmx.http.get(
        f"{bmx.auth_url}/oauth/authorize", params=wrong_type, allow_redirects=False
    ) as answer:
        assert answer.status == 302
        assert "error=unsupported_response_type" in answer.headers["Location"]


async def test_password_grant_and_wrong_client_secret_is_invalid_client(bmx: Bmx) -> None:
    tokens = await bmx.password_grant()
    assert tokens["refresh_token"]
    assert tokens["created_at"] > 0
    reply = await bmx.token_request(
        {
            "grant_type": "password",
            "client_id": bmx.creds["client_id"],
            "client_secret": "wrong",
            "username": bmx.creds["username"],
            "password": bmx.creds["password"],
        }
    )
    assert reply.status == 401
    assert reply.body == {"error": "invalid_client", "error_description": INVALID_CLIENT}
    missing = await bmx.token_request(
        {"grant_type": "password", "client_id": bmx.creds["client_id"]}
    )
    assert missing.body["error"] == "invalid_client"
    bad_user = await bmx.token_request(
        {
            "grant_type": "password",
            "client_id": bmx.creds["client_id"],
            "client_secret": bmx.creds["client_secret"],
            "username": bmx.creds["username"],
            "password": "wrong",
        }
    )
    assert (bad_user.status, bad_user.body["error"]) == (400, "invalid_grant")


async def test_refresh_rotates_both_tokens_and_old_refresh_token_gets_401(bmx: Bmx) -> None:
    first = await bmx.password_grant()
    refresh = {
        "grant_type": "refresh_token",
        "refresh_token": first["refresh_token"],
        "client_id": bmx.creds["client_id"],
        "client_secret": bmx.creds["client_secret"],
    }
    second = await bmx.token_request(refresh)
    assert second.status == 200
    assert second.body["access_token"] != first["access_token"]
    assert second.body["refresh_token"] != first["refresh_token"]
    replay = await bmx.token_request(refresh)
    assert replay.status == 401
    assert replay.body["error"] == "invalid_grant"
    assert (await bmx.call("GET", "/v3/me", second.body["access_token"])).status == 200


async def test_refresh_token_revoked_via_control_api_gets_401(
    bmx: Bmx, sandbox: RunningSandbox
) -> None:
    tokens = await bmx.password_grant()
    await sandbox.control("POST", "/tokens/butterflymx/revoke")
    reply = await bmx.token_request(
        {
            "grant_type": "refresh_token",
            "refresh_token": tokens["refresh_token"],
            "client_id": bmx.creds["client_id"],
            "client_secret": bmx.creds["client_secret"],
        }
    )
    assert reply.status == 401
    assert reply.body["error"] == "invalid_grant"


async def test_expired_access_token_gets_401_with_jsonapi_error(
    bmx: Bmx, sandbox: RunningSandbox, manager_token: str
) -> None:
    assert (await bmx.call("GET", "/v3/buildings", manager_token)).status == 200
    await sandbox.control("POST", "/tokens/butterflymx/expire")
    reply = await bmx.call("GET", "/v3/buildings", manager_token)
    assert reply.status == 401
    assert reply.body == {
        "errors": [{"title": "Unauthorized", "detail": "The access token expired"}]
    }
    assert 'error="invalid_token"' in reply.headers["WWW-Authenticate"]
    v4 = await bmx.call("GET", "/v4/tenants", manager_token)
    assert v4.status == 401
    assert v4.body["error"] == "Unauthorized"


async def test_missing_and_unknown_tokens_get_401(bmx: Bmx) -> None:
    missing = await bmx.call("GET", "/v3/me", None)
    assert missing.status == 401
    assert missing.headers["Content-Type"].startswith("application/vnd.api+json")
    unknown = await bmx.call("GET", "/v3/me", "eyJ0eXAiOiJKV1QifQ.bogus.bogus")
    assert unknown.body["errors"][0]["detail"] == "The access token is invalid"


async def test_clock_advance_past_two_hours_expires_access_token(
    bmx: Bmx, sandbox: RunningSandbox, manager_token: str
) -> None:
    await sandbox.control("POST", "/clock/advance", json={"seconds": 7201})
    assert (await bmx.call("GET", "/v3/me", manager_token)).status == 401


async def test_password_change_documented_outcomes(bmx: Bmx, resident_token: str) -> None:
    url = f"{bmx.auth_url}/api/v1/password"
    headers = {"Authorization": f"Bearer {resident_token}"}
    current = bmx.creds["resident"]["password"]

    async def change(fields: dict[str, str], method: str = "PUT") -> aiohttp.ClientResponse:
        data = {f"account[{k}]": v for k, v in fields.items()}
        async with bmx.http.request(method, url, data=data, headers=headers) as response:
            await response.read()
            return response

    wrong = await change(
        {"current_password": "nope", "password": "abcdef12", "password_confirmation": "abcdef12"}
    )
    assert wrong.status == 422
    async with bmx.http.put(
        url, data={"account[current_password]": "nope"}, headers=headers
    ) as response:
        assert await response.json() == {"errors": "Wrong password"}
    async with bmx.http.patch(
        url,
        headers=headers,
        data={
            "account[current_password]": current,
            "account[password]": "abcdef12",
            "account[password_confirmation]": "zzz",
        },
    ) as response:
        assert response.status == 422
        assert await response.json() == {"errors": ["Password confirmation doesn't match Password"]}
    ok = await change(
        {
            "current_password": current,
            "password": "new-secret-1",
            "password_confirmation": "new-secret-1",
        }
    )
    assert ok.status == 204
    resident = bmx.creds["resident"]["username"]
    assert (await bmx.password_grant(resident, "new-secret-1"))["access_token"]
