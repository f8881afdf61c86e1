"""OAuth token management per vendor account: single-flight refresh, persisted rotation.

Any number of concurrent callers that find the token expired (or just rejected with
401) cause exactly one refresh; the rest wait for it and use its result. A rotated
refresh token is saved through `TokenStorage` before the new access token is used,
so a crash can never leave us holding only a dead refresh token. A refresh the vendor
refuses (401/400 invalid_grant) marks the account as needing re-authorisation and
every later call fails fast with `VendorAuthError` until `reauthorize()` succeeds;
it never loops.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections.abc import Awaitable, Callable
from contextlib import AbstractAsyncContextManager
from dataclasses import dataclass, replace
from typing import Protocol

from concierge.connectors.errors import VendorAuthError, VendorError

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class TokenSet:
    access_token: str
    expires_at: float  # epoch seconds
    refresh_token: str | None = None

    def __repr__(self) -> str:
        return f"TokenSet(expires_at={self.expires_at!r}, refresh={self.refresh_token is not None})"


class TokenStorage(Protocol):
    """Where token sets survive restarts (the server backs this with its store)."""

    async def load(self, key: str) -> TokenSet | None: ...

    async def save(self, key: str, tokens: TokenSet) -> None: ...

    def renewing(self, key: str) -> AbstractAsyncContextManager[object]:
        """Held from the last look at the stored set until the renewed one is saved, so
        processes sharing the storage renew an account one at a time (a refresh token
        rotates: two refreshes with the same one leave the second refused)."""
        ...


class MemoryTokenStorage:
    def __init__(self) -> None:
        self._tokens: dict[str, TokenSet] = {}

    async def load(self, key: str) -> TokenSet | None:
        return self._tokens.get(key)

    async def save(self, key: str, tokens: TokenSet) -> None:
        self._tokens[key] = tokens

    def renewing(self, key: str) -> AbstractAsyncContextManager[object]:
        return contextlib.nullcontext()  # one process: the manager's own lock suffices


class TokenSource(Protocol):
    """What a request needs of a token holder: an account's `TokenManager`, or one person's
    own tokens (a resident's linked account acting on their behalf)."""

    async def token(self) -> str: ...

    async def invalidate(self, access_token: str) -> None:
        """The vendor refused `access_token` (401): the next `token()` renews it."""
        ...


Login = Callable[[], Awaitable[TokenSet]]
"""Obtain tokens without a refresh token (password or client-credentials grant)."""
Refresh = Callable[[str], Awaitable[TokenSet]]
"""Exchange a refresh token; raises `VendorAuthError` when the vendor refuses it."""


class TokenManager:
    def __init__(
        self,
        vendor: str,
        key: str,
        *,
        storage: TokenStorage,
        login: Login | None = None,
        refresh: Refresh | None = None,
        margin_s: float = 120.0,
        clock: Callable[[], float] = time.time,
    ) -> None:
        if login is None and refresh is None:
            raise ValueError(f"{vendor}: a token manager needs a login or a refresh flow")
        self.vendor = vendor
        self.key = key
        self._storage = storage
        self._login = login
        self._refresh = refresh
        self._margin = margin_s
        self._clock = clock
        self._tokens: TokenSet | None = None
        self._loaded = False
        self._lock = asyncio.Lock()
        self.needs_reauthorization: str | None = None  # why, when set
        self._failure: tuple[float, VendorError] | None = None  # the last failed renewal
        self.refreshes = 0
        self.logins = 0

    async def token(self) -> str:
        """A usable access token, refreshing (once, for everyone) when needed."""
        current = self._tokens
        if current is not None and self._fresh(current):
            return current.access_token
        waiting_since = time.monotonic()
        async with self._lock:
            failure = self._failure
            if failure is not None and failure[0] >= waiting_since:
                # Single flight for failures too: everyone who queued behind a renewal that
                # just failed shares its error instead of trying again one by one.
                raise failure[1]
            current = self._tokens
            if not self._loaded or current is None or not self._fresh(current):
                # Read the store before renewing: another replica sharing it may have
                # renewed already, and its refresh rotated away the one we hold.
                stored = await self._storage.load(self.key)
                if stored is not None and (
                    current is None or stored.access_token != current.access_token
                ):
                    self._tokens = stored  # (the token we hold, if rejected, stays dropped)
                self._loaded = True
            current = self._tokens
            if current is not None and self._fresh(current):
                return current.access_token
            if self.needs_reauthorization:
                raise VendorAuthError(
                    f"re-authorisation required: {self.needs_reauthorization}", vendor=self.vendor
                )
            async with self._storage.renewing(self.key):
                return await self._renew_held(current)

    async def _renew_held(self, current: TokenSet | None) -> str:
        """Renew, holding the storage's renewal lock (and our own)."""
        # Another process may have renewed while we waited for the lock.
        stored = await self._storage.load(self.key)
        newer = stored is not None and (
            current is None or stored.access_token != current.access_token
        )
        if stored is not None and newer and self._fresh(stored):
            self._tokens = stored
            return stored.access_token
        if stored is not None and current is None:
            current = self._tokens = stored  # stored since we last looked: renew from it
        try:
            renewed = await self._renew(current)
        except VendorAuthError as exc:
            self.needs_reauthorization = exc.message
            log.warning("%s account %s needs re-authorisation: %s", self.vendor, self.key, exc)
            raise
        except VendorError as exc:
            # Transient trouble: a token inside the refresh margin still works for now.
            if current is not None and current.expires_at > self._clock():
                return current.access_token
            self._failure = (time.monotonic(), exc)
            raise
        await self._storage.save(self.key, renewed)
        self._tokens = renewed
        return renewed.access_token

    @property
    def held(self) -> bool:
        """A token fresh enough to use is in memory: `token()` will not wait."""
        return self._tokens is not None and self._fresh(self._tokens)

    def failed_within(self, seconds: float) -> bool:
        """The last renewal failed (transiently) less than `seconds` ago."""
        return self._failure is not None and time.monotonic() - self._failure[0] < seconds

    async def invalidate(self, access_token: str) -> None:
        """The vendor rejected `access_token` (401): the next `token()` renews it.

        Only the token that was rejected is dropped, so 50 callers reporting the same
        stale token cause one refresh, and a caller reporting an older token after the
        refresh does not throw the new one away.
        """
        async with self._lock:
            if self._tokens is not None and self._tokens.access_token == access_token:
                self._tokens = replace(self._tokens, expires_at=0.0)

    async def reauthorize(self, tokens: TokenSet | None = None) -> None:
        """Clear the re-authorisation flag with fresh tokens (or a fresh login)."""
        async with self._lock:
            if tokens is None:
                if self._login is None:
                    raise VendorAuthError("no login flow; supply new tokens", vendor=self.vendor)
                tokens = await self._login()
                self.logins += 1
            await self._storage.save(self.key, tokens)
            self._tokens = tokens
            self._loaded = True
            self.needs_reauthorization = None

    def _fresh(self, tokens: TokenSet) -> bool:
        return tokens.expires_at - self._margin > self._clock()

    async def _renew(self, current: TokenSet | None) -> TokenSet:
        if current is not None and current.refresh_token and self._refresh is not None:
            renewed = await self._refresh(current.refresh_token)
            self.refreshes += 1
            if renewed.refresh_token is None:
                # Some grants omit the refresh token on refresh; keep the one we have.
                renewed = replace(renewed, refresh_token=current.refresh_token)
            return renewed
        if self._login is not None:
            self.logins += 1
            return await self._login()
        raise VendorAuthError("no refresh token and no login flow", vendor=self.vendor)
