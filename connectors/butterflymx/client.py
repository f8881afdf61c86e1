"""`ButterflyMXClient`: every ButterflyMX call the product makes, and `build_client`.

The client is one resource object per kind of vendor resource (see the package
docstring), each on the same `ButterflyMXCore`; each resource module speaks vendor JSON
and defines the records it returns.
"""

from __future__ import annotations

import aiohttp

from concierge.connectors.breaker import CircuitBreaker
from concierge.connectors.butterflymx.auth import ButterflyMXAuth, build_token_manager
from concierge.connectors.butterflymx.buildings import Buildings
from concierge.connectors.butterflymx.calls import Calls
from concierge.connectors.butterflymx.config import MAX_PAGE_SIZE, ButterflyMXConfig
from concierge.connectors.butterflymx.core import ButterflyMXCore
from concierge.connectors.butterflymx.doors import AccessPoints, Devices, Doors
from concierge.connectors.butterflymx.errors import read_error
from concierge.connectors.butterflymx.events import DoorReleases
from concierge.connectors.butterflymx.fields import VENDOR
from concierge.connectors.butterflymx.integrations import Integrations
from concierge.connectors.butterflymx.keys import Keychains, VirtualKeys
from concierge.connectors.butterflymx.me import CurrentUser
from concierge.connectors.butterflymx.people import Pins, Tenants
from concierge.connectors.butterflymx.units import Units
from concierge.connectors.core import VendorClient
from concierge.connectors.http import VendorHTTP, retry_after_header
from concierge.connectors.ratelimit import RateLimiter
from concierge.connectors.tokens import TokenManager, TokenStorage


class ButterflyMXClient(VendorClient):
    """One ButterflyMX account (a property manager, or a resident via the code flow),
    as resource objects on one shared core: `client.units.list(...)`."""

    def __init__(
        self,
        http: VendorHTTP,
        tokens: TokenManager,
        api_url: str,
        *,
        auth: ButterflyMXAuth | None = None,
        page_size: int = MAX_PAGE_SIZE,
    ) -> None:
        core = ButterflyMXCore(http, tokens, api_url, page_size=page_size)
        self.core = core
        self.auth = auth
        self.buildings = Buildings(core)
        self.units = Units(core)
        self.tenants = Tenants(core)
        self.me = CurrentUser(core)
        self.pins = Pins(core)
        self.access_points = AccessPoints(core)
        self.devices = Devices(core)
        self.doors = Doors(core)
        self.calls = Calls(core)
        self.door_releases = DoorReleases(core)
        self.keychains = Keychains(core)
        self.virtual_keys = VirtualKeys(core)
        self.integrations = Integrations(core)

    async def exchange_code(self, code: str, redirect_uri: str | None = None) -> None:
        """Finish the authorization code flow: trade the code, store the tokens, and
        clear any "needs re-authorisation" mark on this account."""
        if self.auth is None:
            raise ValueError("butterflymx: this client was built without its auth flows")
        tokens = await self.auth.exchange_code(code, redirect_uri)
        await self.tokens.reauthorize(tokens)


def build_client(
    config: ButterflyMXConfig, session: aiohttp.ClientSession, storage: TokenStorage
) -> ButterflyMXClient:
    limiter = (
        RateLimiter(config.rate_limit_per_minute, 60.0)
        if config.rate_limit_per_minute is not None
        else None
    )
    http = VendorHTTP(
        VENDOR,
        session,
        timeouts=config.timeouts,
        retry=config.retry,
        breaker=CircuitBreaker(
            VENDOR, threshold=config.breaker_threshold, probe_interval_s=config.breaker_probe_s
        ),
        limiter=limiter,
        read_error=read_error,
        read_wait=retry_after_header,  # the vendor's 429s (if any) carry Retry-After
    )
    auth = ButterflyMXAuth(
        http,
        config.auth_url,
        client_id=config.client_id,
        client_secret=config.client_secret,
        username=config.username,
        password=config.password,
        redirect_uri=config.redirect_uri,
    )
    tokens = build_token_manager(
        auth, storage, config.token_key, grant=config.grant, margin_s=config.token_margin_s
    )
    return ButterflyMXClient(http, tokens, config.api_url, auth=auth, page_size=config.page_size)
