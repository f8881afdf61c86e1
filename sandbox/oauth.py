"""OAuth 2 bookkeeping shared by the simulators: codes, access tokens, rotating refresh tokens.

Each simulator owns one `TokenStore` and decides the wire format (token shape,
error bodies, status codes); this module only keeps the state honest: codes are
single-use and expire, refresh tokens rotate and the previous one dies at once,
revoked or expired tokens never authenticate.
"""

from __future__ import annotations

import secrets
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Literal

from concierge.sandbox import journal
from concierge.sandbox.clock import Clock

TokenFactory = Callable[[str, float], str]
"""Builds an access token string from (subject, issued_at); vendors give tokens their own look."""

RejectReason = Literal["missing", "unknown", "expired", "revoked"]


@dataclass
class Grant:
    """Who a token speaks for."""

    subject: str  # the user or account the token acts as
    client_id: str
    scope: str = ""


@dataclass
class AccessToken:
    token: str
    grant: Grant
    issued_at: float
    expires_at: float
    revoked: bool = False


@dataclass
class RefreshToken:
    token: str
    grant: Grant
    issued_at: float
    revoked: bool = False
    replaced_by: str | None = None


@dataclass
class IssuedTokens:
    access_token: str
    refresh_token: str | None
    expires_in: int
    created_at: int
    grant: Grant


@dataclass
class AuthCode:
    code: str
    grant: Grant
    redirect_uri: str
    expires_at: float
    used: bool = False


class InvalidGrantError(Exception):
    """A code or refresh token that cannot be exchanged; `reason` says why."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


@dataclass
class TokenStore:
    clock: Clock
    access_ttl: int
    token_factory: TokenFactory = field(default=lambda subject, at: secrets.token_urlsafe(32))
    refresh_factory: Callable[[], str] = field(default=lambda: secrets.token_hex(32))
    code_ttl: int = 600
    _access: dict[str, AccessToken] = field(default_factory=dict)
    _refresh: dict[str, RefreshToken] = field(default_factory=dict)
    _codes: dict[str, AuthCode] = field(default_factory=dict)
    issued_count: int = 0
    refreshed_count: int = 0

    def issue(self, grant: Grant, *, with_refresh: bool) -> IssuedTokens:
        now = self.clock.time()
        access = self.token_factory(grant.subject, now)
        self._access[access] = AccessToken(access, grant, now, now + self.access_ttl)
        refresh: str | None = None
        if with_refresh:
            refresh = self.refresh_factory()
            self._refresh[refresh] = RefreshToken(refresh, grant, now)
        self.issued_count += 1
        journal.remember(access, refresh)
        return IssuedTokens(access, refresh, self.access_ttl, int(now), grant)

    def authenticate(self, token: str | None) -> Grant | RejectReason:
        """The grant behind a bearer token, or why it is refused."""
        if not token:
            return "missing"
        record = self._access.get(token)
        if record is None:
            return "unknown"
        if record.revoked:
            return "revoked"
        if self.clock.time() >= record.expires_at:
            return "expired"
        return record.grant

    def refresh(self, refresh_token: str, client_id: str) -> IssuedTokens:
        """Rotate: a new access and refresh token; the presented refresh token dies."""
        record = self._refresh.get(refresh_token)
        if record is None:
            raise InvalidGrantError("unknown refresh token")
        if record.revoked:
            raise InvalidGrantError(
                "refresh token was already rotated"
                if record.replaced_by
                else "refresh token revoked"
            )
        if record.grant.client_id != client_id:
            raise InvalidGrantError("refresh token was issued to another client")
        issued = self.issue(record.grant, with_refresh=True)
        record.revoked = True
        record.replaced_by = issued.refresh_token
        self.refreshed_count += 1
        return issued

    def issue_code(self, grant: Grant, redirect_uri: str) -> str:
        code = secrets.token_urlsafe(16)
        self._codes[code] = AuthCode(code, grant, redirect_uri, self.clock.time() + self.code_ttl)
        return code

    def redeem_code(self, code: str, client_id: str, redirect_uri: str | None) -> Grant:
        record = self._codes.get(code)
        if record is None or record.used:
            raise InvalidGrantError("authorization code is unknown or already used")
        if self.clock.time() >= record.expires_at:
            raise InvalidGrantError("authorization code expired")
        if record.grant.client_id != client_id:
            raise InvalidGrantError("authorization code was issued to another client")
        if redirect_uri is not None and redirect_uri != record.redirect_uri:
            raise InvalidGrantError("redirect_uri does not match the authorization request")
        record.used = True
        return record.grant

    def revoke(self, token: str) -> bool:
        """Revoke an access or refresh token; False if it was never issued."""
        if token in self._access:
            self._access[token].revoked = True
            return True
        if token in self._refresh:
            self._refresh[token].revoked = True
            return True
        return False

    def expire_access_tokens(self) -> int:
        """Make every live access token expired now (control API); returns how many."""
        now = self.clock.time()
        count = 0
        for record in self._access.values():
            if record.expires_at > now:
                record.expires_at = now
                count += 1
        return count

    def revoke_refresh_tokens(self) -> int:
        """Revoke every live refresh token, as a user revoking the app would (control API)."""
        count = 0
        for record in self._refresh.values():
            if not record.revoked:
                record.revoked = True
                count += 1
        return count

    def stats(self) -> dict[str, int]:
        now = self.clock.time()
        return {
            "issued": self.issued_count,
            "refreshed": self.refreshed_count,
            "live_access_tokens": sum(
                1 for r in self._access.values() if not r.revoked and r.expires_at > now
            ),
            "live_refresh_tokens": sum(1 for r in self._refresh.values() if not r.revoked),
        }
