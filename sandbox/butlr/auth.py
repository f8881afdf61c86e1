"""Butlr authentication: M2M client login, user login, refresh, and the bearer-token gate.

Only `POST /api/v2/clients/login` is printed in the reference; user login is `POST /api/v2/login`
(Butlr's public docs) and refresh is our `POST /api/v2/token/refresh`.
"""

from __future__ import annotations

import hmac

from aiohttp import web

from concierge.sandbox.butlr.errors import Handler, invalid, unauthorized
from concierge.sandbox.butlr.state import GRANT, ButlrState, state_of
from concierge.sandbox.butlr.tokens import AUDIENCE, CLIENT_SCOPE, USER_SCOPE
from concierge.sandbox.butlr.validation import read_object, string
from concierge.sandbox.oauth import Grant, InvalidGrantError, IssuedTokens

routes = web.RouteTableDef()


def _same(given: str, expected: str) -> bool:
    return hmac.compare_digest(given.encode(), expected.encode())


@routes.post("/api/v2/clients/login")
async def client_login(request: web.Request) -> web.Response:
    # Reference silent/contradictory: the doc marks this "Authorizations:" (circular); we
    # require no bearer token. Body fields are optional in the schema; we require all four.
    state = state_of(request)
    body = await read_object(request, form_ok=True)
    client_id, secret, audience, grant_type = (
        string(body, key) for key in ("client_id", "client_secret", "audience", "grant_type")
    )
    if grant_type != "client_credentials":
        raise invalid("grant_type must be client_credentials")
    creds = state.credentials
    if audience != AUDIENCE or not (
        _same(client_id, creds.client_id) and _same(secret, creds.client_secret)
    ):
        raise unauthorized("unknown client, wrong secret or wrong audience")
    issued = state.tokens.issue(
        Grant(creds.m2m_subject(), creds.client_id, CLIENT_SCOPE), with_refresh=False
    )
    return web.json_response(
        {
            "access_token": issued.access_token,
            "scope": CLIENT_SCOPE,
            "expires_in": issued.expires_in,
            "token_type": "Bearer",
        }
    )


def _token_set(state: ButlrState, issued: IssuedTokens) -> web.Response:
    return web.json_response(
        {
            "access_token": issued.access_token,
            "refresh_token": issued.refresh_token,
            "id_token": state.minter.id_token(issued.created_at),
            "scope": USER_SCOPE,
            "expires_in": issued.expires_in,
            "token_type": "Bearer",
        }
    )


# Reference silent/contradictory: no user-login path; we use Butlr's public /api/v2/login.
@routes.post("/api/v2/login")
async def user_login(request: web.Request) -> web.Response:
    state = state_of(request)
    body = await read_object(request, form_ok=True)
    username, password = string(body, "username"), string(body, "password")
    creds = state.credentials
    if username.strip().lower() != creds.username.lower() or not _same(password, creds.password):
        raise unauthorized("wrong username or password")
    issued = state.tokens.issue(
        Grant(creds.user_subject, creds.app_client_id, USER_SCOPE), with_refresh=True
    )
    return _token_set(state, issued)


# Reference silent/contradictory: no refresh path is printed; we chose /api/v2/token/refresh.
@routes.post("/api/v2/token/refresh")
async def refresh(request: web.Request) -> web.Response:
    """Rotate: a new token set; the presented refresh token stops working at once."""
    state = state_of(request)
    body = await read_object(request, form_ok=True)
    refresh_token, client_id = string(body, "refresh_token"), string(body, "client_id")
    try:
        issued = state.tokens.refresh(refresh_token, client_id)
    except InvalidGrantError as exc:
        # Reference silent/contradictory: no refresh error documented; 401 "Unauthorized".
        raise unauthorized(exc.reason) from exc
    return _token_set(state, issued)


PUBLIC_HANDLERS: set[Handler] = {client_login, user_login, refresh}


def public(handler: Handler) -> Handler:
    """Mark a route handler as reachable without a bearer token."""
    PUBLIC_HANDLERS.add(handler)
    return handler


@web.middleware
async def bearer_middleware(request: web.Request, handler: Handler) -> web.StreamResponse:
    """Every route but the public ones needs `Authorization: Bearer <live access token>`."""
    match = request.match_info
    if match.http_exception is not None or match.handler in PUBLIC_HANDLERS:
        return await handler(request)
    scheme, _, token = request.headers.get("Authorization", "").partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        raise unauthorized("missing bearer token")
    result = state_of(request).tokens.authenticate(token.strip())
    if isinstance(result, str):
        raise unauthorized(f"token {result}")
    request[GRANT] = result
    return await handler(request)
