"""ButterflyMX OAuth on the accounts host: password grant, code exchange, rotating refresh.

Token requests go out urlencoded (the reference shows multipart for the code exchange
and urlencoded elsewhere; the vendor takes both) and are never retried blind: a
refresh rotates both tokens, so a resent one could burn the only live refresh token.
A refused grant (401, or 400 `invalid_grant`) is a `VendorAuthError`, which the
`TokenManager` turns into "needs re-authorisation" (the reference: 401 on renewal
means log the user off).
"""

from __future__ import annotations

import time
from collections.abc import Callable, Mapping
from typing import Literal
from urllib.parse import urlencode

from concierge.connectors.butterflymx.fields import VENDOR, Fields
from concierge.connectors.errors import VendorAuthError, VendorRejectedError
from concierge.connectors.http import VendorHTTP
from concierge.connectors.tokens import Login, TokenManager, TokenSet, TokenStorage

Grant = Literal["password", "authorization_code"]
REFUSED_GRANT = "invalid_grant"


class ButterflyMXAuth:
    """The token endpoint for one OAuth client (and, for the password grant, one user)."""

    def __init__(
        self,
        http: VendorHTTP,
        auth_url: str,
        *,
        client_id: str,
        client_secret: str,
        username: str | None = None,
        password: str | None = None,
        redirect_uri: str | None = None,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self._http = http
        self._auth_url = auth_url.rstrip("/")
        self._client_id = client_id
        self._client_secret = client_secret
        self._username = username
        self._password = password
        self._redirect_uri = redirect_uri
        self._clock = clock

    def __repr__(self) -> str:
        return f"ButterflyMXAuth(client_id={self._client_id!r}, username={self._username!r})"

    def authorize_url(self, *, state: str | None = None, include_secret: bool = False) -> str:
        """Where to send a resident's browser to start the authorization code flow.

        The reference puts `client_secret` in this URL; we leave it out unless asked,
        because a browser URL ends up in histories and logs (the sandbox accepts both).
        """
        if self._redirect_uri is None:
            raise ValueError("butterflymx: redirect_uri is required for the code flow")
        params = {
            "client_id": self._client_id,
            "redirect_uri": self._redirect_uri,
            "response_type": "code",
        }
        if include_secret:
            params["client_secret"] = self._client_secret
        if state is not None:
            params["state"] = state
        return f"{self._auth_url}/oauth/authorize?{urlencode(params)}"

    async def password_grant(self) -> TokenSet:
        if self._username is None or self._password is None:
            raise VendorAuthError("no username and password for the password grant", vendor=VENDOR)
        return await self._grant(
            {"grant_type": "password", "username": self._username, "password": self._password}
        )

    async def exchange_code(self, code: str, redirect_uri: str | None = None) -> TokenSet:
        """Trade an authorization code (from the redirect's `?code=`) for tokens."""
        uri = redirect_uri or self._redirect_uri
        if uri is None:
            raise ValueError("butterflymx: redirect_uri is required to exchange a code")
        return await self._grant(
            {"grant_type": "authorization_code", "code": code, "redirect_uri": uri}
        )

    async def refresh(self, refresh_token: str) -> TokenSet:
        return await self._grant({"grant_type": "refresh_token", "refresh_token": refresh_token})

    async def _grant(self, form: Mapping[str, str]) -> TokenSet:
        body = {**form, "client_id": self._client_id, "client_secret": self._client_secret}
        sent_at = self._clock()
        try:
            response = await self._http.request(
                "POST",
                f"{self._auth_url}/oauth/token",
                form=body,
                headers={"Accept": "application/json"},
                idempotent=False,
            )
        except VendorRejectedError as exc:
            if exc.status == 400 and exc.message.startswith(REFUSED_GRANT):
                raise VendorAuthError(
                    exc.message, vendor=VENDOR, status=exc.status, method=exc.method, url=exc.url
                ) from exc
            raise
        return parse_token_response(response.body, sent_at)


def parse_token_response(body: object, sent_at: float) -> TokenSet:
    """Doorkeeper's `{access_token, token_type, expires_in, refresh_token, created_at}`."""
    f = Fields(body, "token response")
    expires_in = f.integer("expires_in")
    # Expiry counts from when we asked, on our clock: `created_at` is the vendor's clock,
    # and any skew between the two would make us use a token past its end.
    return TokenSet(
        access_token=f.text("access_token"),
        expires_at=sent_at + expires_in,
        refresh_token=f.opt_text("refresh_token"),
    )


def build_token_manager(
    auth: ButterflyMXAuth,
    storage: TokenStorage,
    key: str,
    *,
    grant: Grant,
    margin_s: float = 120.0,
) -> TokenManager:
    """Password accounts log in by themselves; code accounts start from `exchange_code`."""
    login: Login | None = auth.password_grant if grant == "password" else None
    return TokenManager(
        VENDOR, key, storage=storage, login=login, refresh=auth.refresh, margin_s=margin_s
    )
