"""Butlr's token flows and the `TokenManager` that runs them.

Client credentials (`POST /api/v2/clients/login`) are the product's flow: no refresh token,
so the manager caches the access token until it expires and logs in again then, never per
request ("avoid doing this on every request to prevent ... throttling"). A user login
(`POST /api/v2/login`) comes with a refresh token that rotates on every use of
`POST /api/v2/token/refresh`; that call needs the `azp` claim of the access token (the
client id of Butlr's own app), read from the JWT payload without verifying it: we are
not the audience and hold no key. A refused grant is a `VendorAuthError`.
"""

from __future__ import annotations

import base64
import binascii
import json
import time
from collections.abc import Callable, Mapping
from typing import Any

from concierge.connectors.butlr.config import VENDOR, ButlrConfig
from concierge.connectors.butlr.fields import Fields, protocol_error
from concierge.connectors.errors import VendorAuthError, VendorRejectedError
from concierge.connectors.http import VendorHTTP
from concierge.connectors.tokens import TokenManager, TokenSet, TokenStorage

# Reference silent: M2M lifetime unstated; the user-login example says 86400 s.
DOCUMENTED_LIFETIME_S = 86_400
CLIENT_LOGIN_PATH = "/api/v2/clients/login"
# Reference silent: neither path is printed; Butlr's public docs give /api/v2/login, the
# refresh path is the sandbox's decision.
USER_LOGIN_PATH = "/api/v2/login"
REFRESH_PATH = "/api/v2/token/refresh"


def jwt_claims(token: str) -> dict[str, Any]:
    """The payload of a JWT, decoded but NOT verified (we only read our own token's claims)."""
    parts = token.split(".")
    if len(parts) != 3:
        raise protocol_error("access_token", "is not a JWT (header.payload.signature)")
    payload = parts[1]
    try:
        raw = base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4))
        claims = json.loads(raw)
    except (binascii.Error, ValueError) as exc:
        raise protocol_error("access_token", "JWT payload is not base64url JSON") from exc
    if not isinstance(claims, dict):
        raise protocol_error("access_token", "JWT payload is not an object")
    return claims


def authorized_party(access_token: str) -> str:
    """The `azp` claim: the client id a refresh must name."""
    return Fields(jwt_claims(access_token), "access_token claims").text("azp")


def token_set(body: object, now: float, where: str) -> TokenSet:
    """A `TokenSet` from a login or refresh answer."""
    fields = Fields(body, where)
    access = fields.text("access_token")
    lifetime = fields.opt_number("expires_in")
    if lifetime is None or lifetime <= 0:
        # The reference's client-login sample prints `"expires_in": 0`; taken literally we
        # would log in on every call, so a missing or zero lifetime falls back to the JWT's
        # `exp`, then to the documented 86400 s.
        exp = jwt_claims(access).get("exp")
        if isinstance(exp, int | float) and not isinstance(exp, bool) and exp > now:
            lifetime = float(exp) - now
        else:
            lifetime = DOCUMENTED_LIFETIME_S
    return TokenSet(access, now + lifetime, fields.opt_text("refresh_token"))


class ButlrAuth:
    """The three token endpoints; `VendorHTTP` is the account's transport."""

    def __init__(
        self,
        http: VendorHTTP,
        config: ButlrConfig,
        storage: TokenStorage,
        *,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self._http = http
        self._config = config
        self._storage = storage
        self._clock = clock
        self._refresh_client_id: str | None = None  # `azp` of the newest user token

    async def client_login(self) -> TokenSet:
        """The M2M grant, with the four fields the reference's example sends."""
        config = self._config
        body = {
            "client_id": config.client_id,
            "client_secret": config.client_secret,
            "audience": config.audience,
            "grant_type": "client_credentials",
        }
        return await self._grant(CLIENT_LOGIN_PATH, body, "client login")

    async def user_login(self) -> TokenSet:
        body = {"username": self._config.username, "password": self._config.password}
        return await self._grant(USER_LOGIN_PATH, body, "user login")

    async def refresh(self, refresh_token: str) -> TokenSet:
        """Rotate the user's tokens; the presented refresh token dies at once."""
        body = {"refresh_token": refresh_token, "client_id": await self._client_id_for_refresh()}
        return await self._grant(REFRESH_PATH, body, "refresh")

    async def _client_id_for_refresh(self) -> str:
        if self._refresh_client_id is not None:
            return self._refresh_client_id
        # After a restart the stored (expired) access token still names its client.
        stored = await self._storage.load(self._config.token_key)
        if stored is None:
            raise VendorAuthError("no stored token to refresh: log in again", vendor=VENDOR)
        self._refresh_client_id = authorized_party(stored.access_token)
        return self._refresh_client_id

    async def _grant(self, path: str, body: Mapping[str, Any], what: str) -> TokenSet:
        try:
            # Never retried blind: a refresh rotates the token, and a login mints one
            # (the vendor asks us not to mint more than we need).
            response = await self._http.request(
                "POST", self._config.login_url + path, json_body=body, idempotent=False
            )
        except VendorRejectedError as exc:
            # Butlr words every refusal the same; a 400 from a token endpoint means our
            # grant cannot succeed as sent, so it needs re-authorisation like a 401.
            raise VendorAuthError(
                f"{what} refused: {exc.message}",
                vendor=VENDOR,
                status=exc.status,
                method=exc.method,
                url=exc.url,
            ) from exc
        tokens = token_set(response.body, self._clock(), f"{what} response")
        if tokens.refresh_token is not None:
            self._refresh_client_id = authorized_party(tokens.access_token)
        return tokens


def build_token_manager(
    auth: ButlrAuth,
    config: ButlrConfig,
    storage: TokenStorage,
    *,
    clock: Callable[[], float] = time.time,
) -> TokenManager:
    """Client credentials log in again on expiry; a user session refreshes (and rotates),
    and `reauthorize()` signs the user in again after a refused refresh."""
    if config.grant == "client_credentials":
        return TokenManager(
            VENDOR,
            config.token_key,
            storage=storage,
            login=auth.client_login,
            margin_s=config.token_margin_s,
            clock=clock,
        )
    return TokenManager(
        VENDOR,
        config.token_key,
        storage=storage,
        login=auth.user_login,
        refresh=auth.refresh,
        margin_s=config.token_margin_s,
        clock=clock,
    )
