"""Residents' linked ButterflyMX accounts: tokens stored encrypted per principal, refreshed
single-flight; a refresh the vendor refuses unlinks the account (the client relinks)."""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Awaitable, Callable

from concierge.connectors.errors import VendorAuthError
from concierge.connectors.tokens import TokenSet
from concierge.resolvers.store.tokens import SqlTokenStorage

log = logging.getLogger(__name__)

REFRESH_MARGIN_S = 60.0  # refresh this long before the access token expires
RELINK_HINT = "/link/butterflymx/start"


class ResidentNotLinkedError(Exception):
    """No usable link: answered as `VENDOR_AUTH` with `relink` pointing at the start route."""

    code = "VENDOR_AUTH"

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message
        self.relink = RELINK_HINT


Refresh = Callable[[str], Awaitable[TokenSet]]


class ResidentLinks:
    def __init__(
        self, storage: SqlTokenStorage, refresh: Refresh, clock: Callable[[], float] = time.time
    ) -> None:
        self._storage = storage
        self._refresh = refresh
        self._clock = clock
        self._locks: dict[str, asyncio.Lock] = {}

    @staticmethod
    def account(principal: str) -> str:
        return f"butterflymx.resident:{principal}"

    async def link(self, principal: str, tokens: TokenSet) -> None:
        await self._storage.save(self.account(principal), tokens)
        log.info("ButterflyMX account linked for %s", principal)

    async def unlink(self, principal: str) -> None:
        await self._storage.forget(self.account(principal))

    async def linked(self, principal: str) -> ResidentTokens | None:
        """The resident's own tokens, to act on their behalf; None when nothing is linked."""
        if await self._storage.load(self.account(principal)) is None:
            return None
        return ResidentTokens(self, principal)

    async def refused(self, principal: str) -> ResidentNotLinkedError:
        """ButterflyMX refused the resident's tokens even after a refresh: unlinked."""
        await self.unlink(principal)
        log.info("ButterflyMX refused a resident's tokens: %s unlinked", principal)
        return ResidentNotLinkedError(
            "ButterflyMX no longer accepts this link: link the account again."
        )

    async def access_token(self, principal: str, rejected: str | None = None) -> str:
        """A live access token for acting on the resident's behalf (`rejected`: one the
        vendor just refused, renewed even if it looks fresh)."""
        account = self.account(principal)
        tokens = await self._storage.load(account)
        if tokens is None:
            raise ResidentNotLinkedError("No ButterflyMX account is linked: link one first.")
        if self._usable(tokens, rejected):
            return tokens.access_token
        # One refresh per resident at a time: ButterflyMX rotates refresh tokens, so a
        # second concurrent refresh with the old one would be refused and unlink.
        lock = self._locks.setdefault(account, asyncio.Lock())
        async with lock:
            tokens = await self._storage.load(account)
            if tokens is None:
                raise ResidentNotLinkedError("No ButterflyMX account is linked: link one first.")
            if self._usable(tokens, rejected):
                return tokens.access_token
            if tokens.refresh_token is None:
                await self.unlink(principal)
                raise ResidentNotLinkedError("The ButterflyMX link expired: link again.")
            try:
                fresh = await self._refresh(tokens.refresh_token)
            except VendorAuthError as exc:
                await self.unlink(principal)
                log.info("ButterflyMX refused a resident's refresh: %s unlinked", principal)
                raise ResidentNotLinkedError(
                    "ButterflyMX no longer accepts this link: link the account again."
                ) from exc
            await self._storage.save(account, fresh)
            return fresh.access_token

    def _usable(self, tokens: TokenSet, rejected: str | None) -> bool:
        return (
            tokens.access_token != rejected and tokens.expires_at - REFRESH_MARGIN_S > self._clock()
        )


class ResidentTokens:
    """One resident's `TokenSource` for a call on their behalf: the link's live access
    token; a 401 renews it once (a refused refresh unlinks: `ResidentNotLinkedError`)."""

    def __init__(self, links: ResidentLinks, principal: str) -> None:
        self._links = links
        self.principal = principal
        self._rejected: str | None = None

    async def token(self) -> str:
        return await self._links.access_token(self.principal, self._rejected)

    async def invalidate(self, access_token: str) -> None:
        self._rejected = access_token
