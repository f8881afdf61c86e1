"""The accounts host: OAuth authorize (login form), token, revoke, and password change."""

from __future__ import annotations

import base64
import binascii
import html
from urllib.parse import urlencode

from aiohttp import web

from concierge.sandbox.butterflymx import password
from concierge.sandbox.butterflymx.auth import Identity
from concierge.sandbox.butterflymx.context import BACKEND
from concierge.sandbox.butterflymx.errors import OAuthError
from concierge.sandbox.butterflymx.forms import read_form
from concierge.sandbox.oauth import Grant, InvalidGrantError, IssuedTokens

INVALID_CLIENT = (
    "Client authentication failed due to unknown client, no client authentication "
    "included, or unsupported authentication method."
)
INVALID_GRANT = (
    "The provided authorization grant is invalid, expired, revoked, does not match "
    "the redirection URI used in the authorization request, or was issued to "
    "another client."
)
UNSUPPORTED_RESPONSE_TYPE = "The authorization server does not support this response type."
ACCESS_DENIED = "The resource owner or authorization server denied the request."
GRANT_TYPES = ("authorization_code", "password", "refresh_token")


def _basic_client(request: web.Request) -> tuple[str | None, str | None]:
    scheme, _, encoded = request.headers.get("Authorization", "").partition(" ")
    if scheme.lower() != "basic":
        return None, None
    try:
        client_id, _, secret = base64.b64decode(encoded).decode().partition(":")
    except (binascii.Error, UnicodeDecodeError):
        return None, None
    return client_id, secret


def _token_body(issued: IssuedTokens) -> web.Response:
    return web.json_response(
        {
            "access_token": issued.access_token,
            "token_type": "bearer",
            "expires_in": issued.expires_in,
            "refresh_token": issued.refresh_token,
            "created_at": issued.created_at,
        },
        headers={"Cache-Control": "no-store", "Pragma": "no-cache"},
    )


def _require(form: dict[str, str], name: str) -> str:
    value = form.get(name, "")
    if not value:
        raise OAuthError(400, "invalid_request", f"Missing required parameter: {name}.")
    return value


async def token(request: web.Request) -> web.Response:
    identity = request.app[BACKEND].identity
    form = await read_form(request)
    basic_id, basic_secret = _basic_client(request)
    client_id = form.get("client_id") or basic_id
    client_secret = form.get("client_secret") or basic_secret
    if not identity.client_matches(client_id, client_secret):
        raise OAuthError(401, "invalid_client", INVALID_CLIENT)
    assert client_id is not None
    grant_type = _require(form, "grant_type")
    if grant_type not in GRANT_TYPES:
        raise OAuthError(
            400,
            "unsupported_grant_type",
            "The authorization grant type is not supported by the authorization server.",
        )
    if grant_type == "refresh_token":
        refresh = _require(form, "refresh_token")
        try:
            return _token_body(identity.tokens.refresh(refresh, client_id))
        except InvalidGrantError:
            # The reference: 401 on renewal means the refresh token is dead; log the user off.
            raise OAuthError(401, "invalid_grant", INVALID_GRANT) from None
    if grant_type == "password":
        username, password = _require(form, "username"), _require(form, "password")
        user = identity.check_password(username, password)
        if user is None:
            # Reference silent on bad codes/passwords: RFC 6749 / Doorkeeper 400 invalid_grant.
            raise OAuthError(400, "invalid_grant", INVALID_GRANT)
        grant = Grant(subject=str(user.id), client_id=client_id)
    else:
        code = _require(form, "code")
        try:
            grant = identity.tokens.redeem_code(code, client_id, _require(form, "redirect_uri"))
        except InvalidGrantError:
            raise OAuthError(400, "invalid_grant", INVALID_GRANT) from None
    return _token_body(identity.tokens.issue(grant, with_refresh=True))


async def revoke(request: web.Request) -> web.Response:
    """RFC 7009 revocation, as Doorkeeper serves it: 200 `{}` whether or not the token existed."""
    identity = request.app[BACKEND].identity
    form = await read_form(request)
    basic_id, basic_secret = _basic_client(request)
    if not identity.client_matches(
        form.get("client_id") or basic_id, form.get("client_secret") or basic_secret
    ):
        raise OAuthError(401, "invalid_client", INVALID_CLIENT)
    identity.tokens.revoke(_require(form, "token"))
    return web.json_response({})


_PAGE = """<!DOCTYPE html>
<html><head><meta charset="utf-8"><title>ButterflyMX - {title}</title></head>
<body><h1>{title}</h1>{body}</body></html>
"""


def _error_page(status: int, error: str, description: str) -> web.Response:
    body = f'<main><p id="oauth-error" data-error="{error}">{html.escape(description)}</p></main>'
    return web.Response(
        status=status,
        content_type="text/html",
        charset="utf-8",
        text=_PAGE.format(title="An error has occurred", body=body),
    )


def _login_page(params: dict[str, str], message: str | None, status: int = 200) -> web.Response:
    hidden = "".join(
        f'<input type="hidden" name="{html.escape(k)}" value="{html.escape(v)}">'
        for k, v in params.items()
    )
    notice = f'<p class="alert">{html.escape(message)}</p>' if message else ""
    body = (
        f'{notice}<form method="post" action="">{hidden}'
        '<label>Email <input type="email" name="username" autocomplete="username"></label>'
        '<label>Password <input type="password" name="password"></label>'
        '<button type="submit" name="decision" value="allow">Log in and authorize</button>'
        '<button type="submit" name="decision" value="deny">Deny</button></form>'
    )
    return web.Response(
        status=status,
        content_type="text/html",
        charset="utf-8",
        text=_PAGE.format(title="Log in to authorize", body=body),
    )


def _redirect(uri: str, params: dict[str, str]) -> web.HTTPFound:
    separator = "&" if "?" in uri else "?"
    return web.HTTPFound(f"{uri}{separator}{urlencode(params)}")


def _authorization_params(identity: Identity, params: dict[str, str]) -> web.Response | None:
    """An error page for what cannot be redirected, or raise a redirect; None when valid."""
    client_id = params.get("client_id", "")
    if not client_id:
        return _error_page(400, "invalid_request", "Missing required parameter: client_id.")
    # Reference puts client_secret in the authorize URL; silent on checking it: a wrong one
    # is invalid_client, a missing one is allowed (standard OAuth).
    secret = params.get("client_secret")
    if client_id != identity.client.client_id or (
        secret is not None and not identity.client_matches(client_id, secret)
    ):
        return _error_page(401, "invalid_client", INVALID_CLIENT)
    redirect_uri = params.get("redirect_uri", "")
    if not redirect_uri:
        return _error_page(400, "invalid_request", "Missing required parameter: redirect_uri.")
    if not identity.client.accepts_redirect(redirect_uri):
        return _error_page(
            400,
            "invalid_redirect_uri",
            "The requested redirect uri is malformed or doesn't match client redirect URI.",
        )
    if params.get("response_type") != "code":
        state = {"state": params["state"]} if "state" in params else {}
        raise _redirect(
            redirect_uri,
            {
                "error": "unsupported_response_type",
                "error_description": UNSUPPORTED_RESPONSE_TYPE,
                **state,
            },
        )
    return None


_FORM_FIELDS = ("client_id", "client_secret", "redirect_uri", "response_type", "state", "scope")


async def authorize_form(request: web.Request) -> web.Response:
    identity = request.app[BACKEND].identity
    params = {k: v for k, v in request.query.items() if k in _FORM_FIELDS}
    problem = _authorization_params(identity, params)
    return problem or _login_page(params, None)


async def authorize_submit(request: web.Request) -> web.Response:
    identity = request.app[BACKEND].identity
    form = await read_form(request)
    params = {k: v for k, v in (dict(request.query) | form).items() if k in _FORM_FIELDS}
    problem = _authorization_params(identity, params)
    if problem is not None:
        return problem
    state = {"state": params["state"]} if "state" in params else {}
    if form.get("decision") == "deny":
        raise _redirect(
            params["redirect_uri"],
            {
                "error": "access_denied",
                "error_description": ACCESS_DENIED,
                **state,
            },
        )
    user = identity.check_password(form.get("username", ""), form.get("password", ""))
    if user is None:
        return _login_page(params, "Invalid Email or password.", status=401)
    grant = Grant(subject=str(user.id), client_id=params["client_id"])
    code = identity.tokens.issue_code(grant, params["redirect_uri"])
    raise _redirect(params["redirect_uri"], {"code": code, **state})


def routes() -> list[web.RouteDef]:
    return [
        web.get("/accounts/oauth/authorize", authorize_form),
        web.post("/accounts/oauth/authorize", authorize_submit),
        web.post("/accounts/oauth/token", token),
        web.post("/accounts/oauth/revoke", revoke),
        web.put("/accounts/api/v1/password", password.change_password),
        web.patch("/accounts/api/v1/password", password.change_password),
    ]
