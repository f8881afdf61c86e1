"""The OAuth 2 host (`connect.remotelock.com`): authorize (sign-in form), token, revoke."""

from __future__ import annotations

import base64
import binascii
import html
import json
from typing import NoReturn
from urllib.parse import urlencode, urlsplit

from aiohttp import web
from multidict import MultiDict, MultiMapping

from concierge.sandbox.oauth import Grant, InvalidGrantError, IssuedTokens
from concierge.sandbox.remotelock.core import Core, core_of

# The reference documents requests and success bodies only; errors follow RFC 6749
# (`{"error", "error_description"}`, 400, or 401 for a bad client) and revocation follows
# RFC 7009 (200 `{}` even for an unknown token).

NO_STORE = {"Cache-Control": "no-store", "Pragma": "no-cache"}
LOOPBACK_HOSTS = ("localhost", "127.0.0.1", "::1")


def oauth_error(status: int, error: str, description: str, basic: bool = False) -> web.Response:
    # Reference silent: OAuth error bodies are undocumented; we answer RFC 6749 section 5.2.
    headers = dict(NO_STORE)
    if basic:
        headers["WWW-Authenticate"] = 'Basic realm="RemoteLock"'
    body = {"error": error, "error_description": description}
    return web.json_response(body, status=status, headers=headers)


def redirect_allowed(core: Core, uri: str) -> bool:
    """The registered callback, or (RFC 8252 style) any loopback http(s) callback."""
    # Reference silent: one Callback URL per application; we also accept loopback callbacks on
    # any port so local tools can catch the redirect.
    if uri == core.credentials.redirect_uri:
        return True
    parts = urlsplit(uri)
    return parts.scheme in ("http", "https") and parts.hostname in LOOPBACK_HOSTS


def with_params(uri: str, params: dict[str, str]) -> str:
    return uri + ("&" if urlsplit(uri).query else "?") + urlencode(params)


def _page(title: str, body: str, status: int = 200) -> web.Response:
    text = (
        f"<!doctype html><html><head><meta charset='utf-8'><title>{title}</title></head>"
        f"<body><h1>RemoteLock</h1>{body}</body></html>"
    )
    return web.Response(text=text, status=status, content_type="text/html")


def _sign_in_form(params: MultiMapping[str], error: str | None = None) -> web.Response:
    hidden = "".join(
        f"<input type='hidden' name='{name}' value='{html.escape(params.get(name, ''), True)}'>"
        for name in ("client_id", "redirect_uri", "response_type", "state")
    )
    notice = f"<p class='error' role='alert'>{html.escape(error)}</p>" if error else ""
    form = (
        f"<h2>Sign in to authorize the application</h2>{notice}"
        "<form method='post' action=''>"
        f"{hidden}"
        "<label>Email <input type='email' name='username' autocomplete='username'></label>"
        "<label>Password <input type='password' name='password'></label>"
        "<button type='submit' name='decision' value='allow'>Sign in and authorize</button>"
        "<button type='submit' name='decision' value='deny'>Deny</button>"
        "</form>"
    )
    return _page("Sign in", form, 401 if error else 200)


def _check_client_and_redirect(core: Core, params: MultiMapping[str]) -> str | web.Response:
    """The redirect URI to use, or an error page (never redirect to an unverified URI)."""
    if params.get("client_id") != core.credentials.client_id:
        return _page("Error", "<p>Unknown client_id: the application is not registered.</p>", 400)
    uri = params.get("redirect_uri") or core.credentials.redirect_uri
    if not redirect_allowed(core, uri):
        return _page("Error", "<p>The redirect_uri does not match the application.</p>", 400)
    return uri


async def authorize_page(request: web.Request) -> web.StreamResponse:
    core = core_of(request)
    checked = _check_client_and_redirect(core, request.query)
    if isinstance(checked, web.Response):
        return checked
    if request.query.get("response_type") != "code":
        _redirect_error(
            checked,
            request.query,
            "unsupported_response_type",
            "Only response_type=code is supported",
        )
    return _sign_in_form(request.query)


async def authorize_submit(request: web.Request) -> web.StreamResponse:
    core = core_of(request)
    form = await request.post()
    fields: MultiDict[str] = MultiDict((k, v) for k, v in form.items() if isinstance(v, str))
    checked = _check_client_and_redirect(core, fields)
    if isinstance(checked, web.Response):
        return checked
    if fields.get("response_type") != "code":
        _redirect_error(
            checked, fields, "unsupported_response_type", "Only response_type=code is supported"
        )
    if fields.get("decision") == "deny":
        _redirect_error(checked, fields, "access_denied", "The resource owner denied the request")
    creds = core.credentials
    if (
        fields.get("username", "").lower() != creds.username
        or fields.get("password") != creds.password
    ):
        return _sign_in_form(fields, "Invalid email or password.")
    grant = Grant(subject=core.store.user.id, client_id=creds.client_id)
    code = core.tokens.issue_code(grant, fields.get("redirect_uri", ""))
    params_out = {"code": code}
    if fields.get("state"):
        params_out["state"] = fields["state"]
    raise web.HTTPFound(with_params(checked, params_out))


def _redirect_error(uri: str, params: MultiMapping[str], error: str, description: str) -> NoReturn:
    # Reference silent: the error redirect is undocumented; we follow RFC 6749 section 4.1.2.1.
    out = {"error": error, "error_description": description}
    if params.get("state"):
        out["state"] = params["state"]
    raise web.HTTPFound(with_params(uri, out))


async def _form(request: web.Request) -> dict[str, str] | None:
    """Token/revoke parameters: form-encoded as documented (JSON is tolerated too)."""
    if request.content_type == "application/json":
        try:
            parsed = json.loads(await request.read() or b"{}")
        except (json.JSONDecodeError, UnicodeDecodeError):
            return None
        if not isinstance(parsed, dict):
            return None
        return {k: str(v) for k, v in parsed.items() if isinstance(v, (str, int))}
    form = await request.post()
    return {k: v for k, v in form.items() if isinstance(v, str)}


def _client(core: Core, request: web.Request, fields: dict[str, str]) -> tuple[bool, bool]:
    """(authenticated, used HTTP Basic) from the Basic header or the body's client fields."""
    header = request.headers.get("Authorization", "")
    if header.lower().startswith("basic "):
        try:
            decoded = base64.b64decode(header[6:].strip()).decode()
        except (binascii.Error, UnicodeDecodeError):
            return False, True
        client_id, _, secret = decoded.partition(":")
        basic = True
    else:
        client_id, secret = fields.get("client_id", ""), fields.get("client_secret", "")
        basic = False
    creds = core.credentials
    return client_id == creds.client_id and secret == creds.client_secret, basic


def _tokens_body(issued: IssuedTokens) -> web.Response:
    body: dict[str, object] = {
        "access_token": issued.access_token,
        "expires_in": issued.expires_in,
        "token_type": "Bearer",
    }
    if issued.refresh_token is not None:
        body["refresh_token"] = issued.refresh_token
    return web.json_response(body, headers=NO_STORE)


async def token(request: web.Request) -> web.StreamResponse:
    core = core_of(request)
    fields = await _form(request)
    if fields is None:
        return oauth_error(400, "invalid_request", "The request body could not be parsed")
    ok, basic = _client(core, request, fields)
    if not ok:
        return oauth_error(401, "invalid_client", "Client authentication failed", basic)
    grant_type = fields.get("grant_type")
    try:
        if grant_type == "authorization_code":
            if not fields.get("code"):
                return oauth_error(400, "invalid_request", "Missing required parameter: code")
            grant = core.tokens.redeem_code(
                fields["code"], core.credentials.client_id, fields.get("redirect_uri", "")
            )
            return _tokens_body(core.tokens.issue(grant, with_refresh=True))
        if grant_type == "refresh_token":
            if not fields.get("refresh_token"):
                return oauth_error(
                    400, "invalid_request", "Missing required parameter: refresh_token"
                )
            return _tokens_body(
                core.tokens.refresh(fields["refresh_token"], core.credentials.client_id)
            )
        if grant_type == "client_credentials":
            grant = Grant(subject=core.account_id, client_id=core.credentials.client_id)
            return _tokens_body(core.tokens.issue(grant, with_refresh=False))
    except InvalidGrantError as exc:
        return oauth_error(
            400, "invalid_grant", f"The provided authorization grant is invalid: {exc.reason}"
        )
    if not grant_type:
        return oauth_error(400, "invalid_request", "Missing required parameter: grant_type")
    return oauth_error(
        400,
        "unsupported_grant_type",
        f"The authorization grant type {grant_type!r} is not supported",
    )


async def revoke(request: web.Request) -> web.StreamResponse:
    core = core_of(request)
    fields = await _form(request)
    if fields is None:
        return oauth_error(400, "invalid_request", "The request body could not be parsed")
    ok, basic = _client(core, request, fields)
    if not ok:
        return oauth_error(401, "invalid_client", "Client authentication failed", basic)
    if not fields.get("token"):
        return oauth_error(400, "invalid_request", "Missing required parameter: token")
    # Reference silent: the revoke response is undocumented; RFC 7009 says 200 with `{}`,
    # also for tokens that were never issued or are already revoked.
    core.tokens.revoke(fields["token"])
    return web.json_response({}, headers=NO_STORE)


def connect_routes() -> list[web.RouteDef]:
    return [
        web.get("/connect/oauth/authorize", authorize_page),
        web.post("/connect/oauth/authorize", authorize_submit),
        web.post("/connect/oauth/token", token),
        web.post("/connect/oauth/revoke", revoke),
    ]
