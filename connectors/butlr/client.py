"""`ButlrClient` and `build_client`, which wires it to the shared connector core."""

from __future__ import annotations

from datetime import timedelta

import aiohttp

from concierge.connectors.breaker import CircuitBreaker
from concierge.connectors.butlr.auth import ButlrAuth, build_token_manager
from concierge.connectors.butlr.config import (
    DEFAULT_FAN_OUT,
    DEFAULT_OCCUPANCY_LOOKBACK,
    MAX_PAGE_SIZE,
    VENDOR,
    ButlrConfig,
)
from concierge.connectors.butlr.core import ButlrCore
from concierge.connectors.butlr.errors import read_error
from concierge.connectors.butlr.occupancy import Occupancy
from concierge.connectors.butlr.rooms import Rooms
from concierge.connectors.butlr.sensors import Hives, Sensors
from concierge.connectors.butlr.spaces import Spaces
from concierge.connectors.butlr.zones import Zones
from concierge.connectors.core import VendorClient
from concierge.connectors.http import VendorHTTP, retry_after_header
from concierge.connectors.ratelimit import RateLimiter
from concierge.connectors.tokens import TokenManager, TokenStorage


class ButlrClient(VendorClient):
    """The Butlr API (REST v2 places and devices, v3 occupancy) for one account, as
    resource objects on one shared core.

    Construct it with `(http, tokens, api_url)` (plus `auth`, `page_size`, `fan_out` and
    `occupancy_lookback`), or let `build_client` wire it. List methods walk every page
    and take id lists so dataloaders can batch: per-space lists are fetched concurrently,
    account-wide lists once and filtered here. Butlr sends no webhooks (see `webhooks`).
    """

    def __init__(
        self,
        http: VendorHTTP,
        tokens: TokenManager,
        api_url: str,
        *,
        auth: ButlrAuth | None = None,
        page_size: int = MAX_PAGE_SIZE,
        fan_out: int = DEFAULT_FAN_OUT,
        occupancy_lookback: timedelta = DEFAULT_OCCUPANCY_LOOKBACK,
    ) -> None:
        core = ButlrCore(
            http,
            tokens,
            api_url,
            page_size=page_size,
            fan_out=fan_out,
            occupancy_lookback=occupancy_lookback,
        )
        self.core = core
        self.auth = auth
        self.spaces = Spaces(core)
        self.rooms = Rooms(core)
        self.zones = Zones(core)
        self.sensors = Sensors(core)
        self.hives = Hives(core)
        self.occupancy = Occupancy(core)

    async def reauthorize(self) -> None:
        """Log in again (client credentials, or the configured user) and clear the
        "needs re-authorisation" mark a refused refresh left on this account."""
        await self.tokens.reauthorize()


def build_client(
    config: ButlrConfig,
    session: aiohttp.ClientSession,
    storage: TokenStorage,
    *,
    limiter: RateLimiter | None = None,
) -> ButlrClient:
    """A client on the shared `session`, keeping tokens in `storage`.

    Login and API share one host, so one transport (breaker and limiter) serves both.
    Pass `limiter` to share one across clients of an account; otherwise the client gets
    its own from `config.rate_limit_per_minute` (None: no client-side limit).
    """
    if limiter is None and config.rate_limit_per_minute is not None:
        limiter = RateLimiter(config.rate_limit_per_minute, 60.0)
    http = VendorHTTP(
        VENDOR,
        session,
        timeouts=config.timeouts,
        retry=config.retry,
        breaker=CircuitBreaker(VENDOR, config.breaker_threshold, config.breaker_probe_s),
        limiter=limiter,
        read_error=read_error,
        read_wait=retry_after_header,  # 429s (undocumented) carry Retry-After in the sandbox
    )
    auth = ButlrAuth(http, config, storage)
    tokens = build_token_manager(auth, config, storage)
    return ButlrClient(
        http,
        tokens,
        config.api_url,
        auth=auth,
        page_size=config.page_size,
        fan_out=config.fan_out,
        occupancy_lookback=config.occupancy_lookback,
    )
