"""`ButterflyMXClient`: every ButterflyMX call the product makes, and `build_client`.

The client is assembled from one module per resource group (access, activity, keys,
integrations, v4); each speaks vendor JSON and returns the records in `models.py`,
`activity_models.py`, `key_models.py` and `v4_models.py`.
"""

from __future__ import annotations

import aiohttp

from connectors.breaker import CircuitBreaker
from connectors.butterflymx.access_api import AccessAPI
from connectors.butterflymx.activity_api import ActivityAPI
from connectors.butterflymx.auth import ButterflyMXAuth, build_token_manager
from connectors.butterflymx.config import ButterflyMXConfig
from connectors.butterflymx.errors import read_error
from connectors.butterflymx.fields import VENDOR
from connectors.butterflymx.integrations_api import IntegrationsAPI
from connectors.butterflymx.keys_api import KeysAPI
from connectors.butterflymx.v4_api import V4API
from connectors.http import VendorHTTP, retry_after_header
from connectors.ratelimit import RateLimiter
from connectors.tokens import TokenStorage


class ButterflyMXClient(AccessAPI, ActivityAPI, KeysAPI, IntegrationsAPI, V4API):
    """One ButterflyMX account (a property manager, or a resident via the code flow)."""

    async def exchange_code(self, code: str, redirect_uri: str | None = None) -> None:
        """Finish the authorization code flow: trade the code, store the tokens, and
        clear any "needs re-authorisation" mark on this account."""
        if self._auth is None:
            raise ValueError("butterflymx: this client was built without its auth flows")
        tokens = await self._auth.exchange_code(code, redirect_uri)
        await self._tokens.reauthorize(tokens)


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
            VENDOR, threshold=config.breaker_threshold, recovery_s=config.breaker_recovery_s
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
