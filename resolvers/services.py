"""What every request shares for the server's lifetime: vendor clients, caches, the site map."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from resolvers.background import run_in_background
from resolvers.cache import VendorCache
from resolvers.sitemap import SiteMap

if TYPE_CHECKING:
    from connectors.butlr.client import ButlrClient
    from connectors.butterflymx.client import ButterflyMXClient
    from connectors.remotelock.client import RemoteLockClient


RENEWAL_BACKOFF_S = 10.0


@dataclass
class Services:
    butterflymx: ButterflyMXClient
    remotelock: RemoteLockClient
    butlr: ButlrClient
    site_map: SiteMap
    cache: VendorCache = field(default_factory=VendorCache)
    # Cache keys start with (vendor, account) so one account never reads another's data.
    accounts: dict[str, str] = field(default_factory=dict)

    _renewing: set[asyncio.Future[str]] = field(default_factory=set, repr=False)

    def account(self, vendor: str) -> str:
        return self.accounts.get(vendor, "default")

    def renew_tokens(self) -> list[asyncio.Future[str]]:
        """Start renewing, in the background, every vendor token not held fresh.

        A renewal that fails is not reported here: the call that needs the token shares its
        error (the token manager's single flight), or fails fast once re-authorisation is due.
        After a failure, requests do not start renewals for `RENEWAL_BACKOFF_S`: a vendor
        that is down is only asked by the calls that need it.
        """
        started: list[asyncio.Future[str]] = []
        for client in (self.butterflymx, self.remotelock, self.butlr):
            tokens = client.tokens
            if (
                tokens.held
                or tokens.needs_reauthorization
                or tokens.failed_within(RENEWAL_BACKOFF_S)
            ):
                continue
            started.append(run_in_background(self._renewing, tokens.token()))
        return started

    async def stop_renewals(self) -> None:
        """Cancel renewals still running (the server is stopping)."""
        for task in list(self._renewing):
            task.cancel()
        await asyncio.gather(*self._renewing, return_exceptions=True)
