"""Vendor clients for the server's lifetime, built from the resolved backends."""

from __future__ import annotations

import json
import tomllib
from collections.abc import Callable
from pathlib import Path

import aiohttp
from cryptography.fernet import MultiFernet
from redis.asyncio import Redis

from concierge.connectors.butlr.client import build_client as build_butlr
from concierge.connectors.butlr.config import AUDIENCE, ButlrConfig
from concierge.connectors.butterflymx.client import build_client as build_butterflymx
from concierge.connectors.butterflymx.config import ButterflyMXConfig
from concierge.connectors.remotelock.client import build_client as build_remotelock
from concierge.connectors.remotelock.config import RemoteLockConfig
from concierge.connectors.tokens import MemoryTokenStorage
from concierge.resolvers.bus import REDIS_TIMEOUT_S, EventBus, LocalBus, RedisBus
from concierge.resolvers.cache import SharedTier, VendorCache
from concierge.resolvers.live import Leases, LivePolicy, LocalLeases, RedisLeases
from concierge.resolvers.services import ActionPolicy, Services
from concierge.resolvers.shared_cache import RedisTier
from concierge.resolvers.sitemap import SiteMap, SiteMapError
from concierge.resolvers.store import Store
from concierge.resolvers.tasks import BackgroundTasks
from concierge.server.backends import Backends
from concierge.server.settings import Settings, SettingsError, VendorSettings


def build_services(
    settings: Settings,
    backends: Backends,
    session: aiohttp.ClientSession,
    *,
    store: Store,
    shared_cache: SharedTier | None = None,
) -> Services:
    """One client per vendor on the shared `session`, their tokens kept in `store` (the
    lifespan opens it); a config mistake names the setting."""
    # An embedded sandbox's tokens die with it: storing them would hand the next start
    # tokens its new sandbox never issued.
    storage = MemoryTokenStorage() if backends.embedded is not None else store.tokens
    site_map = load_site_map(settings.site_map_file) if settings.site_map_file else None
    try:
        bmx = _butterflymx_config(backends.vendors["butterflymx"])
        rl = _remotelock_config(backends.vendors["remotelock"])
        butlr = _butlr_config(backends.vendors["butlr"])
    except ValueError as exc:
        raise SettingsError(str(exc)) from exc
    tasks = BackgroundTasks()
    bus: EventBus = LocalBus()
    leases: Leases = LocalLeases()
    if settings.redis_url:
        redis = Redis.from_url(settings.redis_url, socket_timeout=REDIS_TIMEOUT_S)
        bus = RedisBus(redis, tasks, namespace=settings.cache_namespace)
        leases = RedisLeases(redis, namespace=settings.cache_namespace)
    return Services(
        tasks=tasks,
        bus=bus,
        leases=leases,
        live=LivePolicy(
            occupancy_poll_s=settings.occupancy_poll_s,
            call_poll_s=settings.call_poll_s,
            call_max_live_s=settings.call_max_live_s,
            subscriber_queue=settings.subscriber_queue,
        ),
        butterflymx=build_butterflymx(bmx, session, storage),
        remotelock=build_remotelock(rl, session, storage),
        butlr=build_butlr(butlr, session, storage),
        site_map=site_map or SiteMap.from_dict(backends.site_map or {}),
        cache=VendorCache(
            reference_ttl_s=settings.reference_ttl_s,
            live_ttl_s=settings.live_ttl_s,
            shared=shared_cache,
        ),
        store=store,
        actions=ActionPolicy(
            confirm_timeout_s=settings.unlock_confirm_timeout_s,
            confirm_poll_s=settings.unlock_confirm_poll_s,
            vendor_budget_s=settings.request_timeout_s,
        ),
        accounts={
            "butterflymx": bmx.token_key,
            "remotelock": rl.account or rl.client_id,
            "butlr": butlr.account or butlr.client_id or butlr.username or "default",
        },
    )


def shared_cache(settings: Settings, seal: MultiFernet) -> tuple[Redis, RedisTier]:
    """The Redis client and the cache tier on it (`redis_url`); connects on first use."""
    assert settings.redis_url is not None
    try:
        redis = Redis.from_url(settings.redis_url, socket_timeout=2.0, socket_connect_timeout=2.0)
    except ValueError as exc:
        raise SettingsError(f"setting 'redis_url' is not a Redis URL: {exc}") from exc
    return redis, RedisTier(redis, seal, namespace=settings.cache_namespace)


def check_vendor_settings(settings: Settings) -> None:
    """Fail before binding a port when a configured vendor's settings cannot work."""
    builders: dict[str, Callable[[VendorSettings], object]] = {
        "butterflymx": _butterflymx_config,
        "remotelock": _remotelock_config,
        "butlr": _butlr_config,
    }
    for name, vendor in settings.vendors.items():
        try:
            builders[name](vendor)
        except ValueError as exc:
            raise SettingsError(str(exc)) from exc
    shared = settings.redis_url is not None or (
        settings.database_url is not None and not settings.database_url.startswith("sqlite")
    )
    if settings.webhooks_register and shared and not settings.webhook_secret:
        # Replicas share a store or Redis: each would register a random secret of its own
        # with the vendors and refuse the deliveries another replica's registration brings.
        raise SettingsError(
            "webhook_secret (CONCIERGE_WEBHOOK_SECRET) is required when webhooks_register is "
            "on and replicas share database_url or redis_url: every replica must check the "
            "same secret"
        )


def _butterflymx_config(v: VendorSettings) -> ButterflyMXConfig:
    c = v.credentials
    return ButterflyMXConfig(
        auth_url=v.auth_url,
        api_url=v.api_url,
        client_id=c.get("client_id", ""),
        client_secret=c.get("client_secret", ""),
        grant="password" if c.get("username") else "authorization_code",
        username=c.get("username"),
        password=c.get("password"),
        redirect_uri=c.get("redirect_uri"),
    )


def _remotelock_config(v: VendorSettings) -> RemoteLockConfig:
    c = v.credentials
    return RemoteLockConfig(
        client_id=c.get("client_id", ""),
        client_secret=c.get("client_secret", ""),
        auth_url=v.auth_url,
        api_url=v.api_url,
        redirect_uri=c.get("redirect_uri"),
    )


def _butlr_config(v: VendorSettings) -> ButlrConfig:
    c = v.credentials
    return ButlrConfig(
        client_id=c.get("client_id"),
        client_secret=c.get("client_secret"),
        api_url=v.api_url,
        auth_url=v.auth_url,
        audience=c.get("audience") or AUDIENCE,
    )


def load_site_map(path: str) -> SiteMap:
    """The site map from a JSON or TOML file; a mistake names the file and the entry."""
    try:
        text = Path(path).read_text()
    except OSError as exc:
        raise SettingsError(f"site_map_file: cannot read {path}: {exc.strerror}") from exc
    try:
        data = tomllib.loads(text) if path.endswith(".toml") else json.loads(text)
    except (json.JSONDecodeError, tomllib.TOMLDecodeError) as exc:
        raise SettingsError(f"site_map_file: {path} is not valid: {exc}") from exc
    if not isinstance(data, dict):
        raise SettingsError(f"site_map_file: {path} must hold an object")
    try:
        return SiteMap.from_dict(data)
    except SiteMapError as exc:
        raise SettingsError(f"site_map_file: {path}: {exc}") from exc
