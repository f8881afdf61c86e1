"""Settings: built once at start-up from defaults, a TOML file and `CONCIERGE_*` variables; frozen.

Precedence, lowest first: defaults, the TOML file (`--config` or `CONCIERGE_CONFIG`),
environment variables, command-line flags. Nothing reads settings at import time.

TOML layout (every key optional)::

    host = "127.0.0.1"
    port = 8000
    sandbox_url = "http://127.0.0.1:8700/_control"   # use a running `concierge sandbox`
    demo_activity_s = 20                             # embedded sandbox: live demo events
    data_dir = ".concierge"                          # the SQLite file and generated token key
    database_url = "postgresql://db/concierge"       # default: sqlite:///<data_dir>/concierge.db
    token_key_file = "/run/secrets/token.key"         # or token_key: Fernet key(s), newest first
    idempotency_ttl_s = 86400                        # how long an idempotency key is remembered
    unlock_confirm_timeout_s = 30                    # an unlock not confirmed by then: TIMED_OUT
    site_map_file = "site-map.json"                  # cross-vendor joins (JSON or TOML)
    reference_ttl_s = 300                            # cache: buildings, units, doors, rooms...
    live_ttl_s = 10                                  # cache: occupancy, lock state, calls
    request_timeout_s = 5                            # vendor calls of one GraphQL request
    max_query_tokens = 10000                         # limits on one GraphQL operation
    max_query_depth = 15
    operation_timeout_s = 15
    max_result_objects = 50000
    fast_execution = true                            # false: graphql-core's own completion
    auth_required = true                             # auth and limits: see README
    jwt_issuer = "https://idp.example.com/"
    jwt_audience = "concierge"
    redis_url = "redis://127.0.0.1:6379/0"           # bus, poll leases, cache across replicas
    occupancy_poll_s = 5                             # subscriptions: Butlr poll per room/space
    call_poll_s = 1                                  # ButterflyMX status poll per live call
    call_max_live_s = 300                            # a call with no terminal status ends then
    subscriber_queue = 100                           # events behind before a client is dropped
    max_subscriptions_per_connection = 100
    max_connections_per_client = 500                 # WebSockets + SSE streams per address
    keepalive_s = 15                                 # legacy ka / SSE comment interval
    shared_subscriptions = true                      # false: one execution per subscriber
    ws_per_message_deflate = true                    # false: ~40 KB less per WebSocket

    [vendors.butterflymx]                             # any vendor block switches that vendor
    auth_url = "https://accounts.butterflymx.com"     # from the sandbox to the real API
    api_url = "https://api.butterflymx.com"
    client_id = "..."
    client_secret = "..."

Environment: `CONCIERGE_HOST`, `CONCIERGE_PORT`, `CONCIERGE_SANDBOX_URL`,
`CONCIERGE_DEMO_ACTIVITY_S`, `CONCIERGE_SITE_MAP_FILE`, `CONCIERGE_REFERENCE_TTL_S`,
`CONCIERGE_LIVE_TTL_S`, `CONCIERGE_REQUEST_TIMEOUT_S`, `CONCIERGE_MAX_QUERY_TOKENS`,
`CONCIERGE_MAX_QUERY_DEPTH`, `CONCIERGE_OPERATION_TIMEOUT_S`, `CONCIERGE_MAX_RESULT_OBJECTS`,
`CONCIERGE_FAST_EXECUTION` (`true`/`false`), and per vendor `CONCIERGE_<VENDOR>_<KEY>`
(e.g. `CONCIERGE_REMOTELOCK_CLIENT_SECRET`).
Auth and limits: `CONCIERGE_AUTH_REQUIRED`, `CONCIERGE_JWT_*`, `CONCIERGE_MAX_QUERY_ALIASES`,
`CONCIERGE_MAX_QUERY_COST`, `CONCIERGE_MAX_PAGE_SIZE`, `CONCIERGE_MAX_NODE_IDS`,
`CONCIERGE_INTROSPECTION`, `CONCIERGE_RATE_LIMIT_PER_MINUTE`, `CONCIERGE_MAX_BODY_BYTES`.
The store: `CONCIERGE_DATA_DIR`, `CONCIERGE_DATABASE_URL`, `CONCIERGE_TOKEN_KEY`,
`CONCIERGE_TOKEN_KEY_FILE`, `CONCIERGE_IDEMPOTENCY_TTL_S`; `CONCIERGE_UNLOCK_CONFIRM_TIMEOUT_S`.
Operations: `CONCIERGE_LOG_FORMAT` (auto/json/text), `CONCIERGE_LOG_LEVEL`, `CONCIERGE_TRACING`,
`CONCIERGE_OTLP_ENDPOINT`, `CONCIERGE_SERVICE_NAME`, `CONCIERGE_SHUTDOWN_TIMEOUT_S`;
the shared cache: `CONCIERGE_REDIS_URL`, `CONCIERGE_CACHE_NAMESPACE`.
Real time: `CONCIERGE_OCCUPANCY_POLL_S`, `CONCIERGE_CALL_POLL_S`, ... (the
setting's name in upper case).
Webhooks: `CONCIERGE_WEBHOOK_SECRET`, `CONCIERGE_WEBHOOK_MAX_BODY_BYTES`,
`CONCIERGE_UNLOCK_CONFIRM_POLL_S`, `CONCIERGE_WEBHOOKS_REGISTER`, `CONCIERGE_PUBLIC_URL`.
"""

from __future__ import annotations

import os
import tomllib
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, fields, replace
from pathlib import Path
from typing import Any
from urllib.parse import urlparse, urlsplit, urlunsplit

VENDORS = ("butterflymx", "remotelock", "butlr")
SECRET_KEYS = frozenset({"client_secret", "password", "refresh_token", "secret"})
VENDOR_KEYS = frozenset(
    {
        "auth_url",
        "api_url",
        "client_id",
        "client_secret",
        "redirect_uri",
        "username",
        "password",
        "audience",
        "refresh_token",
    }
)


class SettingsError(ValueError):
    """A configuration mistake; the message names the setting."""


@dataclass(frozen=True)
class VendorSettings:
    """Where one vendor lives and how to authenticate; secrets never appear in `repr`."""

    name: str
    auth_url: str
    api_url: str
    credentials: Mapping[str, str] = field(default_factory=dict)
    source: str = "sandbox"  # "sandbox" | "config"

    def __repr__(self) -> str:
        shown = {k: ("***" if k in SECRET_KEYS else v) for k, v in self.credentials.items()}
        return (
            f"VendorSettings(name={self.name!r}, auth_url={self.auth_url!r}, "
            f"api_url={self.api_url!r}, credentials={shown!r}, source={self.source!r})"
        )


@dataclass(frozen=True)
class Settings:
    host: str = "127.0.0.1"
    port: int = 8000
    sandbox_url: str | None = None  # control URL of a standalone sandbox
    demo_activity_s: float = 20.0  # embedded sandbox: seconds between ambient demo events
    seed: int = 42
    # The store; a relative data_dir is taken from the working directory at start-up.
    data_dir: str = ".concierge"
    database_url: str | None = None  # None: a SQLite file, concierge.db, in data_dir
    token_key: str | None = None  # Fernet key(s) for vendor tokens at rest; a secret
    token_key_file: str | None = None  # neither: a key generated once in data_dir/token.key
    idempotency_ttl_s: float = 24 * 3600.0
    unlock_confirm_timeout_s: float = 30.0
    site_map_file: str | None = None  # otherwise the sandbox's site map (or none)
    reference_ttl_s: float = 300.0
    live_ttl_s: float = 10.0
    # Every vendor call a GraphQL request makes (retries included) ends within this; fields
    # still waiting then answer null with VENDOR_TIMEOUT instead of holding the response.
    request_timeout_s: float = 5.0
    # One operation's bounds (see schema/limits.py). A hand-written query has a few hundred
    # tokens; the README dashboard nests 9 deep; a 300-unit dashboard completes ~4,000
    # objects in well under a second. Past these, a query stalls the event loop for all.
    max_query_tokens: int = 10_000
    max_query_depth: int = 15
    operation_timeout_s: float = 15.0  # 3x request_timeout_s: vendor waits, then completion
    max_result_objects: int = 50_000  # ~2 MB of JSON, 12x a 300-unit dashboard
    # False answers through graphql-core's own completion (schema/execution.py is skipped).
    fast_execution: bool = True
    # Real time (subscriptions): the event bus, pollers and subscription transports.
    redis_url: str | None = None  # set: bus, poll leases and cache shared between replicas
    occupancy_poll_s: float = 5.0  # Butlr reporting call per watched room/space
    call_poll_s: float = 1.0  # ButterflyMX call status per live call
    call_max_live_s: float = 300.0  # a call with no terminal status ends after this
    subscriber_queue: int = 100  # events a subscriber may fall behind before it is dropped
    max_subscriptions_per_connection: int = 100
    max_connections_per_client: int = 500  # open WebSocket/SSE connections per client address
    keepalive_s: float = 15.0  # WebSocket ping / SSE comment interval
    # Subscribers asking the same thing share one execution (server/feeds.py); False runs
    # each on Strawberry's own path (the comparison the feeds' tests make).
    shared_subscriptions: bool = True
    # WebSocket permessage-deflate (uvicorn's default): compression state costs ~40 KB per
    # connection, a lot for thousands of idle residents whose messages are ~100 bytes.
    ws_per_message_deflate: bool = True
    # Webhook ingress: the ButterflyMX URL token and RemoteLock X-Secret (a secret; None:
    # a random one per process), and the largest body read.
    webhook_secret: str | None = None
    webhook_max_body_bytes: int = 64 * 1024
    # Register/reconcile our webhooks with each vendor at start-up (None: off, but
    # `concierge serve` turns it on with the embedded sandbox), at public_url (None:
    # http://host:port).
    webhooks_register: bool | None = None
    public_url: str | None = None
    # Unlock confirmation polls this often besides listening for the door's webhook event.
    unlock_confirm_poll_s: float = 1.0
    vendors: Mapping[str, VendorSettings] = field(default_factory=dict)  # configured (real) vendors
    # Operations: logs, traces, shutdown (see README "Operations").
    log_format: str = "auto"  # auto: text in a terminal, JSON lines otherwise | json | text
    log_level: str = "INFO"
    tracing: bool = False  # OpenTelemetry spans, exported over OTLP/HTTP
    otlp_endpoint: str | None = None  # e.g. http://collector:4318; setting it turns tracing on
    service_name: str = "concierge"  # the traces' service.name
    shutdown_timeout_s: float = 8.0  # SIGTERM: requests in flight get this long, then exit
    # Shared cache (second tier) when `redis_url` is set; entries sealed with the token key.
    cache_namespace: str = "concierge"  # Redis key prefix: deployments sharing one Redis
    # Auth and limits (issue 11). None for auth_required/introspection: on (auth) / off
    # (introspection) unless every vendor is the sandbox (the demo).
    auth_required: bool | None = None
    jwt_secret: str | None = None  # HS256 shared secret; a secret
    jwt_secret_file: str | None = None
    jwt_jwks_url: str | None = None  # the identity provider's JWKS (RS256/ES256 keys)
    jwt_issuer: str | None = None  # required when JWTs are configured
    jwt_audience: str | None = None  # required when JWTs are configured
    jwt_role_claim: str = "role"  # admin | operator | integration | tenant
    jwt_tenants_claim: str = "tenant_ids"  # ButterflyMX tenant IDs of a tenant
    jwt_units_claim: str = "unit_ids"  # ButterflyMX unit IDs of a tenant
    jwt_buildings_claim: str = "building_ids"  # ButterflyMX building IDs of an operator
    jwt_leeway_s: float = 30.0
    max_query_aliases: int = 100
    max_query_cost: int = 20_000  # see schema/cost.py; the README dashboard costs ~5,000
    max_page_size: int = 1000  # `first`/`last` of any connection
    max_node_ids: int = 100  # `nodes(ids:)`; `_entities` may batch up to max_page_size
    introspection: bool | None = None
    rate_limit_per_minute: int = 600  # GraphQL requests per principal per replica
    max_body_bytes: int = 1_000_000
    link_redirect_uri: str | None = None  # default: this server's /link/butterflymx/callback

    @property
    def demo(self) -> bool:
        """Every vendor is the sandbox (embedded or `--sandbox-url`): demo data only."""
        return not self.vendors

    @property
    def requires_auth(self) -> bool:
        return self.auth_required if self.auth_required is not None else not self.demo

    @property
    def allows_introspection(self) -> bool:
        return self.introspection if self.introspection is not None else self.demo

    @property
    def embedded_sandbox(self) -> bool:
        """True when some vendor is not configured and no standalone sandbox is given."""
        return self.sandbox_url is None and any(v not in self.vendors for v in VENDORS)

    def with_overrides(self, **changes: Any) -> Settings:
        return replace(self, **{k: v for k, v in changes.items() if v is not None})

    def __repr__(self) -> str:
        shown = ", ".join(
            f"{f.name}={_masked(f.name, getattr(self, f.name))!r}" for f in fields(self)
        )
        return f"Settings({shown})"


def _masked(name: str, value: Any) -> Any:
    """Secrets out of `repr`: the token key, and a password inside the database URL."""
    if value is None:
        return None
    if name in ("token_key", "jwt_secret", "webhook_secret"):
        return "***"
    if name in ("database_url", "redis_url"):
        parts = urlsplit(str(value))
        if parts.password is not None:
            netloc = parts.netloc.replace(f":{parts.password}@", ":***@", 1)
            return urlunsplit(parts._replace(netloc=netloc))
    return value


def load_settings(
    config_file: str | Path | None = None, environ: Mapping[str, str] | None = None
) -> Settings:
    env = os.environ if environ is None else environ
    data: dict[str, Any] = {}
    path = config_file or env.get("CONCIERGE_CONFIG")
    if path:
        try:
            data = tomllib.loads(Path(path).read_text())
        except FileNotFoundError as exc:
            raise SettingsError(f"config file {path} does not exist") from exc
        except tomllib.TOMLDecodeError as exc:
            raise SettingsError(f"config file {path} is not valid TOML: {exc}") from exc

    def pick(key: str, cast: Callable[[Any], Any]) -> Any:
        raw = env.get(f"CONCIERGE_{key.upper()}", data.get(key))
        if raw is None:
            return None
        try:
            return cast(raw)
        except (TypeError, ValueError) as exc:
            raise SettingsError(f"setting {key!r} must be {cast.__name__}, got {raw!r}") from exc

    known = {"host", "port", "sandbox_url", "demo_activity_s", "seed", "vendors"}
    known |= {"data_dir", "database_url", "token_key", "token_key_file", "idempotency_ttl_s"}
    known |= {"unlock_confirm_timeout_s"}
    known |= {"site_map_file", "reference_ttl_s", "live_ttl_s", "request_timeout_s"}
    known |= {"max_query_tokens", "max_query_depth", "operation_timeout_s"}
    known |= {"max_result_objects", "fast_execution"}
    known |= {"log_format", "log_level", "tracing", "otlp_endpoint", "service_name"}
    known |= {"shutdown_timeout_s", "redis_url", "cache_namespace"}
    known |= {f.name for f in fields(Settings) if f.name in AUTH_SETTINGS}
    known |= {"occupancy_poll_s", "call_poll_s", "call_max_live_s"}
    known |= {"subscriber_queue", "max_subscriptions_per_connection"}
    known |= {"max_connections_per_client", "keepalive_s", "shared_subscriptions"}
    known |= {"ws_per_message_deflate"}
    known |= {"webhook_secret", "webhook_max_body_bytes", "unlock_confirm_poll_s"}
    known |= {"webhooks_register", "public_url"}
    unknown = set(data) - known
    if unknown:
        raise SettingsError(f"unknown settings in {path}: {sorted(unknown)}")

    vendors: dict[str, VendorSettings] = {}
    file_vendors = data.get("vendors", {})
    if not isinstance(file_vendors, dict):
        raise SettingsError("setting 'vendors' must be a table")
    for name in VENDORS:
        block = dict(file_vendors.get(name, {}))
        for key in VENDOR_KEYS:
            value = env.get(f"CONCIERGE_{name.upper()}_{key.upper()}")
            if value is not None:
                block[key] = value
        if block:
            vendors[name] = _vendor_settings(name, block)
    stray = set(file_vendors) - set(VENDORS)
    if stray:
        raise SettingsError(f"unknown vendors {sorted(stray)}; known: {list(VENDORS)}")

    settings = Settings(vendors=vendors)
    return settings.with_overrides(
        host=pick("host", str),
        port=pick("port", int),
        sandbox_url=pick("sandbox_url", str),
        demo_activity_s=pick("demo_activity_s", float),
        seed=pick("seed", int),
        data_dir=pick("data_dir", str),
        database_url=pick("database_url", str),
        token_key=pick("token_key", str),
        token_key_file=pick("token_key_file", str),
        idempotency_ttl_s=pick("idempotency_ttl_s", float),
        unlock_confirm_timeout_s=pick("unlock_confirm_timeout_s", float),
        site_map_file=pick("site_map_file", str),
        reference_ttl_s=pick("reference_ttl_s", float),
        live_ttl_s=pick("live_ttl_s", float),
        request_timeout_s=pick("request_timeout_s", float),
        max_query_tokens=pick("max_query_tokens", int),
        max_query_depth=pick("max_query_depth", int),
        operation_timeout_s=pick("operation_timeout_s", float),
        max_result_objects=pick("max_result_objects", int),
        fast_execution=pick("fast_execution", boolean),
        # Operations
        log_format=pick("log_format", log_format),
        log_level=pick("log_level", log_level),
        tracing=pick("tracing", boolean),
        otlp_endpoint=pick("otlp_endpoint", str),
        service_name=pick("service_name", str),
        shutdown_timeout_s=pick("shutdown_timeout_s", float),
        redis_url=pick("redis_url", str),
        cache_namespace=pick("cache_namespace", str),
        **{name: pick(name, cast) for name, cast in AUTH_SETTINGS.items()},
        occupancy_poll_s=pick("occupancy_poll_s", float),
        call_poll_s=pick("call_poll_s", float),
        call_max_live_s=pick("call_max_live_s", float),
        subscriber_queue=pick("subscriber_queue", int),
        max_subscriptions_per_connection=pick("max_subscriptions_per_connection", int),
        max_connections_per_client=pick("max_connections_per_client", int),
        keepalive_s=pick("keepalive_s", float),
        shared_subscriptions=pick("shared_subscriptions", boolean),
        ws_per_message_deflate=pick("ws_per_message_deflate", boolean),
        webhook_secret=pick("webhook_secret", str),
        webhook_max_body_bytes=pick("webhook_max_body_bytes", int),
        unlock_confirm_poll_s=pick("unlock_confirm_poll_s", float),
        webhooks_register=pick("webhooks_register", boolean),
        public_url=pick("public_url", str),
    )


def log_format(raw: object) -> str:
    """`auto`, `json` or `text`."""
    text = str(raw).strip().lower()
    if text not in ("auto", "json", "text"):
        raise ValueError(f"not one of auto, json, text: {raw!r}")
    return text


def log_level(raw: object) -> str:
    """A standard logging level name."""
    text = str(raw).strip().upper()
    if text not in ("DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL"):
        raise ValueError(f"not a logging level: {raw!r}")
    return text


def boolean(raw: object) -> bool:
    """A TOML boolean, or `true`/`false`/`1`/`0` from the environment."""
    if isinstance(raw, bool):
        return raw
    text = str(raw).strip().lower()
    if text in ("true", "1", "yes"):
        return True
    if text in ("false", "0", "no"):
        return False
    raise ValueError(f"not a boolean: {raw!r}")


def _vendor_settings(name: str, block: dict[str, Any]) -> VendorSettings:
    unknown = set(block) - VENDOR_KEYS
    if unknown:
        raise SettingsError(f"unknown settings for vendor {name}: {sorted(unknown)}")
    for key in ("api_url", "auth_url", "client_id", "client_secret"):
        if not block.get(key):
            raise SettingsError(
                f"vendor {name}: setting {key!r} is required "
                f"(CONCIERGE_{name.upper()}_{key.upper()})"
            )
    for key in ("api_url", "auth_url"):
        parsed = urlparse(str(block[key]))
        if parsed.scheme not in ("http", "https") or not parsed.netloc:
            raise SettingsError(
                f"vendor {name}: setting {key!r} must be an http(s) URL, got {block[key]!r}"
            )
    credentials = {k: str(v) for k, v in block.items() if k not in ("api_url", "auth_url")}
    return VendorSettings(
        name=name,
        auth_url=str(block["auth_url"]).rstrip("/"),
        api_url=str(block["api_url"]).rstrip("/"),
        credentials=credentials,
        source="config",
    )


# Auth and limits (issue 11): name -> how to read it.
AUTH_SETTINGS: dict[str, Callable[[Any], Any]] = {
    "auth_required": boolean,
    "jwt_secret": str,
    "jwt_secret_file": str,
    "jwt_jwks_url": str,
    "jwt_issuer": str,
    "jwt_audience": str,
    "jwt_role_claim": str,
    "jwt_tenants_claim": str,
    "jwt_units_claim": str,
    "jwt_buildings_claim": str,
    "jwt_leeway_s": float,
    "max_query_aliases": int,
    "max_query_cost": int,
    "max_page_size": int,
    "max_node_ids": int,
    "introspection": boolean,
    "rate_limit_per_minute": int,
    "max_body_bytes": int,
    "link_redirect_uri": str,
}
