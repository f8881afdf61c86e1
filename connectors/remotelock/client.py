"""`RemoteLockClient` and `build_client`, which wires it to the shared connector core."""

from __future__ import annotations

import aiohttp

from concierge.connectors.breaker import CircuitBreaker
from concierge.connectors.core import VendorClient
from concierge.connectors.http import VendorHTTP
from concierge.connectors.ratelimit import RateLimiter
from concierge.connectors.remotelock.accesses import Accesses
from concierge.connectors.remotelock.account import AccountResource
from concierge.connectors.remotelock.auth import RemoteLockAuth, build_token_manager
from concierge.connectors.remotelock.config import DEFAULT_MEDIA_TYPE, VENDOR, RemoteLockConfig
from concierge.connectors.remotelock.core import RemoteLockCore
from concierge.connectors.remotelock.doors import Doors
from concierge.connectors.remotelock.errors import read_error, read_wait
from concierge.connectors.remotelock.events import Events
from concierge.connectors.remotelock.notifications import (
    NotificationSubscribers,
    NotificationSubscriptions,
)
from concierge.connectors.remotelock.people import People
from concierge.connectors.remotelock.schedules import Schedules
from concierge.connectors.tokens import TokenManager, TokenStorage


class RemoteLockClient(VendorClient):
    """The RemoteLock API v1 for one account, as resource objects on one shared core.

    Construct it with `(http, tokens, api_url)` (plus `auth` for the code flow and
    `media_type`), or let `build_client` wire it. Every method is one logical call;
    list methods walk every page and take `ids` (sent as `id[]`) so dataloaders can batch.
    """

    def __init__(
        self,
        http: VendorHTTP,
        tokens: TokenManager,
        api_url: str,
        *,
        auth: RemoteLockAuth | None = None,
        media_type: str = DEFAULT_MEDIA_TYPE,
    ) -> None:
        core = RemoteLockCore(http, tokens, api_url, media_type=media_type)
        self.core = core
        self.auth = auth
        self.doors = Doors(core)
        self.people = People(core)
        self.accesses = Accesses(core)
        self.schedules = Schedules(core)
        self.events = Events(core)
        self.notification_subscribers = NotificationSubscribers(core)
        self.notification_subscriptions = NotificationSubscriptions(core)
        self.account = AccountResource(core)

    @property
    def transports(self) -> list[VendorHTTP]:
        # Token requests go through a transport of their own (its own retry policy).
        return [self.core.http] + ([self.auth.http] if self.auth is not None else [])

    async def exchange_code(self, code: str, *, redirect_uri: str | None = None) -> None:
        """Finish the authorization code flow: trade the code and keep the tokens.

        Also how an account that needs re-authorisation (refresh refused) comes back.
        """
        if self.auth is None:
            raise ValueError("this RemoteLock client was built without its auth flows")
        tokens = await self.auth.exchange_code(code, redirect_uri=redirect_uri)
        await self.tokens.reauthorize(tokens)


class AccountLimiters:
    """One `RateLimiter` per RemoteLock account: the 120 a minute is shared by every
    application and token of an account, so every client of an account shares one."""

    def __init__(self) -> None:
        self._limiters: dict[str, RateLimiter] = {}

    def for_account(self, config: RemoteLockConfig) -> RateLimiter:
        limiter = self._limiters.get(config.account_key)
        if limiter is None:
            limiter = RateLimiter(config.rate_limit, config.rate_window_s)
            self._limiters[config.account_key] = limiter
        return limiter


def build_client(
    config: RemoteLockConfig,
    session: aiohttp.ClientSession,
    storage: TokenStorage,
    *,
    limiter: RateLimiter | None = None,
    limiters: AccountLimiters | None = None,
) -> RemoteLockClient:
    """A client on the shared `session`, keeping tokens in `storage`.

    Rate limit: pass the account's existing `limiter`, or `limiters` to share one per
    account across clients; with neither, this client gets a limiter of its own.
    """
    if limiter is None:
        limiter = (
            limiters.for_account(config)
            if limiters is not None
            else RateLimiter(config.rate_limit, config.rate_window_s)
        )
    api_http = VendorHTTP(
        VENDOR,
        session,
        timeouts=config.timeouts,
        retry=config.retry,
        breaker=CircuitBreaker(VENDOR, config.breaker_threshold, config.breaker_probe_s),
        limiter=limiter,
        read_error=read_error,
        read_wait=read_wait,
    )
    # The connect host is another service: its own breaker, and (reference silent on
    # whether token calls count) no share of the API's rate limit, as the sandbox decides.
    auth_http = VendorHTTP(
        VENDOR,
        session,
        timeouts=config.timeouts,
        retry=config.retry,
        breaker=CircuitBreaker(VENDOR, config.breaker_threshold, config.breaker_probe_s),
        read_error=read_error,
        read_wait=read_wait,
    )
    auth = RemoteLockAuth(auth_http, config)
    tokens = build_token_manager(auth, config, storage)
    return RemoteLockClient(
        api_http, tokens, config.api_url, auth=auth, media_type=config.media_type
    )
