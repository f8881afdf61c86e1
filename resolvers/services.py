"""What every request shares for the server's lifetime: vendor clients, caches, the site
map, the store, the event bus, and the task group that runs background work."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from concierge.resolvers.bus import EventBus, LocalBus
from concierge.resolvers.cache import VendorCache
from concierge.resolvers.coordinators import Coordinators
from concierge.resolvers.live import Leases, LivePolicy, LocalLeases, Pollers
from concierge.resolvers.sitemap import SiteMap
from concierge.resolvers.store import Store
from concierge.resolvers.tasks import BackgroundTasks

if TYPE_CHECKING:
    from concierge.connectors.butlr.client import ButlrClient
    from concierge.connectors.butterflymx.client import ButterflyMXClient
    from concierge.connectors.remotelock.client import RemoteLockClient
    from concierge.resolvers.residents import ResidentLinks


RENEWAL_BACKOFF_S = 10.0


@dataclass(frozen=True)
class ActionPolicy:
    """Timing of physical actions (unlock, lock) after the vendor took the command."""

    confirm_timeout_s: float = 30.0  # from the attempt's start to TIMED_OUT
    confirm_poll_s: float = 1.0  # between looks at the vendor's records
    replay_wait_s: float = 30.0  # how long a concurrent replay waits for the first answer
    vendor_budget_s: float = 5.0  # vendor time of one look


@dataclass
class Services:
    butterflymx: ButterflyMXClient
    remotelock: RemoteLockClient
    butlr: ButlrClient
    site_map: SiteMap
    store: Store
    cache: VendorCache = field(default_factory=VendorCache)
    # Cache keys start with (vendor, account) so one account never reads another's data.
    accounts: dict[str, str] = field(default_factory=dict)
    bus: EventBus = field(default_factory=LocalBus)
    tasks: BackgroundTasks = field(default_factory=BackgroundTasks)
    actions: ActionPolicy = field(default_factory=ActionPolicy)
    # Real time: poll intervals, and where leases and last values live (Redis or memory).
    live: LivePolicy = field(default_factory=LivePolicy)
    leases: Leases = field(default_factory=LocalLeases)
    # Residents' linked ButterflyMX accounts (None: no OAuth client to link with).
    residents: ResidentLinks | None = None
    coordinators: Coordinators = field(init=False)
    pollers: Pollers = field(init=False)

    def __post_init__(self) -> None:
        self.coordinators = Coordinators(self.tasks)
        self.pollers = Pollers(self.tasks, self.bus, self.leases)

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
        if self.tasks.closed:
            return started
        for client in (self.butterflymx, self.remotelock, self.butlr):
            tokens = client.tokens
            if (
                tokens.held
                or tokens.needs_reauthorization
                or tokens.failed_within(RENEWAL_BACKOFF_S)
            ):
                continue
            started.append(self.tasks.start(tokens.token(), name=f"renew {tokens.vendor} token"))
        return started

    async def close(self) -> None:
        """Stop every background task and fetch (the server is stopping)."""
        await self.bus.close()
        await self.tasks.close()
        await self.cache.close()
