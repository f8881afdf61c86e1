"""What every request shares for the server's lifetime: vendor clients, caches, the site map."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from resolvers.cache import VendorCache
from resolvers.sitemap import SiteMap

if TYPE_CHECKING:
    from connectors.butlr.client import ButlrClient
    from connectors.butterflymx.client import ButterflyMXClient
    from connectors.remotelock.client import RemoteLockClient


@dataclass
class Services:
    butterflymx: ButterflyMXClient
    remotelock: RemoteLockClient
    butlr: ButlrClient
    site_map: SiteMap
    cache: VendorCache = field(default_factory=VendorCache)
    # Cache keys start with (vendor, account) so one account never reads another's data.
    accounts: dict[str, str] = field(default_factory=dict)

    def account(self, vendor: str) -> str:
        return self.accounts.get(vendor, "default")
