"""Butlr authentication: M2M client login, user login, refresh rotation, the bearer gate."""

from __future__ import annotations

import pytest

from tests.conftest import RunningSandbox
from tests.sandbox.butlr.conftest import INVALID, UNAUTHORIZED, ButlrApi, jwt_payload


async def test_client_login_returns_documented_keys_and_a_decodable_jwt(
    api: ButlrApi, sandbox: RunningSandbox
) -> None:
    reply = await api.client_login()

    assert reply.status == 200
    assert set(reply.body) == {"access_token", "scope", "expires_in", "token_type"}
    assert reply.body["token_type"] == "Bearer"
    assert reply.body["expires_in"] == 86_400
    token = reply.body["access_token"]
    assert token.count(".") == 2
    claims = jwt_payload(token)
    assert claims["azp"] == api.credentials["client_id"]
    assert claims["sub"] == f"{api.credentials['client_id']}@clients"
    assert claims["aud"] == "https://butlrauth/"
    assert claims["exp"] - claims["iat"] == 86_400
    assert abs(claims["iat"] - sandbox.sandbox.clock.time()) < 5


async def test_two_client_logins_give_distinct_tokens_that_both_work(api: ButlrApi) -> None:
    first, second = (await api.client_login()).body, (await api.client_login()).body

    assert first["access_token"] != second["access_token"]
    for token in (first["access_token"], second["access_token"]):
        assert (await api.call("GET", "/api/v2/hives", token=token)).status == 200


@pytest.mark.parametrize(
    ("override", "status", "body"),
    [
        ({"client_secret": "not-the-secret"}, 401, UNAUTHORIZED),
        ({"client_id": "someone-else"}, 401, UNAUTHORIZED),
        ({"audience": "https://elsewhere/"}, 401, UNAUTHORIZED),
        ({"grant_type": "password"}, 400, INVALID),
        ({"client_secret": ""}, 400, INVALID),
    ],
)
async def test_client_login_rejects_bad_credentials(
    api: ButlrApi, override: dict[str, str], status: int, body: dict[str, str]
) -> None:
    reply = await api.client_login(**override)

    assert (reply.status, reply.body) == (status, body)


async def test_client_login_accepts_auth0_style_form_bodies(api: ButlrApi) -> None:
    form = {
        "client_id": api.credentials["client_id"],
        "client_secret": api.credentials["client_secret"],
        "audience": api.credentials["audience"],
        "grant_type": "client_credentials",
    }

    reply = await api.call("POST", "/api/v2/clients/login", data=form, token="")

    assert reply.status == 200
    assert reply.body["access_token"].count(".") == 2


async def test_user_login_returns_token_set_and_rejects_wrong_password(api: ButlrApi) -> None:
    reply = await api.user_login()

    assert reply.status == 200
    assert set(reply.body) == {
        "access_token",
        "refresh_token",
        "id_token",
        "scope",
        "expires_in",
        "token_type",
    }
    assert reply.body["refresh_token"].startswith("v1.")
    assert reply.body["scope"] == "openid email profile offline_access"
    assert jwt_payload(reply.body["id_token"])["email"] == api.credentials["username"]
    bad = await api.user_login(password="wrong")
    assert (bad.status, bad.body) == (401, UNAUTHORIZED)


async def test_refresh_rotates_and_old_refresh_token_is_rejected(api: ButlrApi) -> None:
    login = (await api.user_login()).body
    client_id = jwt_payload(login["access_token"])["azp"]

    rotated = await api.call(
        "POST",
        "/api/v2/token/refresh",
        token="",
        json={"refresh_token": login["refresh_token"], "client_id": client_id},
    )
    replay = await api.call(
        "POST",
        "/api/v2/token/refresh",
        token="",
        json={"refresh_token": login["refresh_token"], "client_id": client_id},
    )

    assert rotated.status == 200
    assert rotated.body["refresh_token"] != login["refresh_token"]
    assert (
        await api.call("GET", "/api/v2/spaces", token=rotated.body["access_token"])
    ).status == 200
    assert (replay.status, replay.body) == (401, UNAUTHORIZED)


async def test_refresh_with_another_client_id_is_unauthorized(api: ButlrApi) -> None:
    login = (await api.user_login()).body

    reply = await api.call(
        "POST",
        "/api/v2/token/refresh",
        token="",
        json={"refresh_token": login["refresh_token"], "client_id": api.credentials["client_id"]},
    )

    assert (reply.status, reply.body) == (401, UNAUTHORIZED)


async def test_expired_access_token_via_control_api_is_unauthorized(
    api: ButlrApi, sandbox: RunningSandbox
) -> None:
    assert (await api.call("GET", "/api/v2/sensors")).status == 200

    await sandbox.control("POST", "/tokens/butlr/expire")
    reply = await api.call("GET", "/api/v2/sensors")

    assert (reply.status, reply.body) == (401, UNAUTHORIZED)


async def test_access_token_expires_after_a_day_on_the_sandbox_clock(
    api: ButlrApi, sandbox: RunningSandbox
) -> None:
    await sandbox.control("POST", "/clock/advance", json={"seconds": 86_401})

    assert (await api.call("GET", "/api/v2/sensors")).status == 401


async def test_revoked_refresh_token_via_control_api_is_unauthorized(
    api: ButlrApi, sandbox: RunningSandbox
) -> None:
    login = (await api.user_login()).body
    client_id = jwt_payload(login["access_token"])["azp"]

    await sandbox.control("POST", "/tokens/butlr/revoke")
    reply = await api.call(
        "POST",
        "/api/v2/token/refresh",
        token="",
        json={"refresh_token": login["refresh_token"], "client_id": client_id},
    )

    assert (reply.status, reply.body) == (401, UNAUTHORIZED)


@pytest.mark.parametrize(
    "headers",
    [
        {},
        {"Authorization": "Bearer"},
        {"Authorization": "Basic abc"},
        {"Authorization": "Bearer abc.123.def"},
    ],
)
async def test_missing_or_unknown_bearer_token_is_unauthorized(
    api: ButlrApi, headers: dict[str, str]
) -> None:
    reply = await api.call("GET", "/api/v2/spaces", token="", headers=headers)

    assert (reply.status, reply.body) == (401, UNAUTHORIZED)


async def test_languages_need_no_token_but_preferences_do(api: ButlrApi) -> None:
    languages = await api.call("GET", "/api/v2/languages", token="")
    anonymous = await api.call("GET", "/api/v2/users/preferences", token="")

    assert languages.status == 200
    assert languages.body["default"] == "en-US"
    assert "zh-Hans" in languages.body["languages"]
    assert anonymous.status == 401


async def test_user_preferences_round_trip_per_subject(api: ButlrApi) -> None:
    user_token = (await api.user_login()).body["access_token"]

    updated = await api.ok(
        "PUT", "/api/v2/users/preferences", json={"language": "zh-Hans"}, token=user_token
    )
    mine = await api.ok("GET", "/api/v2/users/preferences", token=user_token)
    clients = await api.ok("GET", "/api/v2/users/preferences")
    bad = await api.call("PUT", "/api/v2/users/preferences", json={"language": "xx-XX"})

    assert updated == mine == {"language": "zh-Hans"}
    assert clients == {"language": "en-US"}
    assert (bad.status, bad.body) == (400, INVALID)
