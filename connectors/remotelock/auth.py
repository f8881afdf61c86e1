"""RemoteLock's OAuth flows on the connect host, and the `TokenManager` that runs them.

Client credentials act on the application's own account and come without a refresh
token: when the access token expires the same grant is repeated. The authorization code
flow acts on the signed-in user's account; its refresh tokens rotate (each use returns a
new one and kills the old), so a refresh is never retried blind and the `TokenManager`
saves the new pair before using it. A refused grant (401, or 400 `invalid_grant`) is a
`VendorAuthError`: the account must be authorised again.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Mapping
from typing import Any
from urllib.parse import urlencode

from concierge.connectors.errors import VendorAuthError, VendorProtocolError, VendorRejectedError
from concierge.connectors.http import VendorHTTP
from concierge.connectors.remotelock.config import VENDOR, RemoteLockConfig
from concierge.connectors.tokens import TokenManager, TokenSet, TokenStorage

DOCUMENTED_LIFETIME_S = 7200
_REFUSED = ("invalid_grant", "invalid_client", "unauthorized_client")


class RemoteLockAuth:
    """The token endpoints; the `VendorHTTP` handed in talks to the connect host only."""

    @property
    def http(self) -> VendorHTTP:
        return self._http

    def __init__(
        self,
        http: VendorHTTP,
        config: RemoteLockConfig,
        *,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self._http = http
        self._config = config
        self._clock = clock
        base = config.auth_url.rstrip("/")
        self.authorize_endpoint = f"{base}/oauth/authorize"
        self.token_endpoint = f"{base}/oauth/token"
        self.revoke_endpoint = f"{base}/oauth/revoke"

    def authorize_url(self, state: str, *, redirect_uri: str | None = None) -> str:
        """Where to send the user's browser to sign in; `state` guards against CSRF."""
        # Reference silent: `state` is not documented; we always send it (RFC 6749 10.12).
        query = {
            "client_id": self._config.client_id,
            "response_type": "code",
            "redirect_uri": redirect_uri or self._redirect_uri(),
            "state": state,
        }
        return f"{self.authorize_endpoint}?{urlencode(query)}"

    async def client_credentials(self) -> TokenSet:
        return await self._grant({"grant_type": "client_credentials"})

    async def exchange_code(self, code: str, *, redirect_uri: str | None = None) -> TokenSet:
        """Trade an authorization code (valid 10 minutes, single use) for tokens."""
        return await self._grant(
            {
                "grant_type": "authorization_code",
                "code": code,
                # The exchange must repeat the redirect_uri the code was issued for.
                "redirect_uri": redirect_uri or self._redirect_uri(),
            }
        )

    async def refresh(self, refresh_token: str) -> TokenSet:
        return await self._grant({"grant_type": "refresh_token", "refresh_token": refresh_token})

    async def revoke(self, token: str) -> None:
        """Revoke an access or a refresh token (each separately: one does not take the other)."""
        # RFC 7009: revoking twice, or an unknown token, answers 200, so a retry is harmless.
        await self._http.request(
            "POST",
            self.revoke_endpoint,
            form=self._client_fields({"token": token}),
            idempotent=True,
        )

    def _redirect_uri(self) -> str:
        if self._config.redirect_uri is None:
            raise ValueError("remotelock redirect_uri is required for the authorization code flow")
        return self._config.redirect_uri

    def _client_fields(self, fields: Mapping[str, str]) -> dict[str, str]:
        return {
            **fields,
            "client_id": self._config.client_id,
            "client_secret": self._config.client_secret,
        }

    async def _grant(self, fields: Mapping[str, str]) -> TokenSet:
        try:
            # Never retried blind: a code is single-use and a refresh rotates the token.
            response = await self._http.request(
                "POST", self.token_endpoint, form=self._client_fields(fields), idempotent=False
            )
        except VendorRejectedError as exc:
            if exc.message.startswith(_REFUSED):
                raise VendorAuthError(
                    f"{fields['grant_type']} grant refused: {exc.message}",
                    vendor=VENDOR,
                    status=exc.status,
                    method=exc.method,
                    url=exc.url,
                ) from exc
            raise
        return self._token_set(response.body)

    def _token_set(self, body: Any) -> TokenSet:
        if not isinstance(body, dict):
            raise VendorProtocolError("token response: expected an object", vendor=VENDOR)
        access = body.get("access_token")
        if not isinstance(access, str) or not access:
            raise VendorProtocolError("token response: missing field 'access_token'", vendor=VENDOR)
        # Decision: a response without `expires_in` gets the documented 7200 s lifetime.
        lifetime = body.get("expires_in", DOCUMENTED_LIFETIME_S)
        if isinstance(lifetime, bool) or not isinstance(lifetime, int | float) or lifetime <= 0:
            raise VendorProtocolError(
                "token response: field 'expires_in' should be a positive number", vendor=VENDOR
            )
        refresh = body.get("refresh_token")
        if refresh is not None and not isinstance(refresh, str):
            raise VendorProtocolError(
                "token response: field 'refresh_token' should be a string", vendor=VENDOR
            )
        return TokenSet(access, self._clock() + float(lifetime), refresh or None)


def build_token_manager(
    auth: RemoteLockAuth,
    config: RemoteLockConfig,
    storage: TokenStorage,
    *,
    clock: Callable[[], float] = time.time,
) -> TokenManager:
    """Client credentials log in again on expiry; the code flow refreshes (and rotates)."""
    if config.grant == "client_credentials":
        return TokenManager(
            VENDOR, config.token_key, storage=storage, login=auth.client_credentials, clock=clock
        )
    # The code flow has no login: its first tokens come from `exchange_code`.
    return TokenManager(
        VENDOR, config.token_key, storage=storage, refresh=auth.refresh, clock=clock
    )
