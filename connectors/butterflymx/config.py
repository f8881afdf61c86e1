"""ButterflyMX connection settings: built once at start-up, validated, secrets masked."""

from __future__ import annotations

from dataclasses import dataclass, field
from urllib.parse import urlsplit

from concierge.connectors.breaker import DEFAULT_PROBE_INTERVAL_S, DEFAULT_THRESHOLD
from concierge.connectors.butterflymx.auth import Grant
from concierge.connectors.policy import DEFAULT_RETRY, DEFAULT_TIMEOUTS, RetryPolicy, Timeouts

MAX_PAGE_SIZE = 100  # the vendor documents no maximum; the sandbox refuses more than 100
# The vendor documents no rate limit. We still cap ourselves at 600 calls a minute per
# account: far above what the product needs, low enough that a runaway loop of ours
# cannot hammer the vendor. None turns the limiter off.
DEFAULT_RATE_LIMIT_PER_MINUTE = 600


@dataclass(frozen=True)
class ButterflyMXConfig:
    auth_url: str  # the accounts host, e.g. https://accountssandbox.butterflymx.com
    api_url: str  # the API root that `/v3` and `/v4` hang off
    client_id: str
    client_secret: str = field(repr=False)
    grant: Grant = "password"
    username: str | None = None
    password: str | None = field(default=None, repr=False)
    redirect_uri: str | None = None  # required for the authorization code grant
    account: str | None = None  # token storage key; defaults to the username
    page_size: int = MAX_PAGE_SIZE
    rate_limit_per_minute: int | None = DEFAULT_RATE_LIMIT_PER_MINUTE
    timeouts: Timeouts = DEFAULT_TIMEOUTS
    retry: RetryPolicy = DEFAULT_RETRY
    breaker_threshold: int = DEFAULT_THRESHOLD
    breaker_probe_s: float = DEFAULT_PROBE_INTERVAL_S
    token_margin_s: float = 120.0

    def __post_init__(self) -> None:
        _require_http_url("auth_url", self.auth_url)
        _require_http_url("api_url", self.api_url)
        if not self.client_id:
            raise ValueError("butterflymx: client_id is required")
        if not self.client_secret:
            raise ValueError("butterflymx: client_secret is required")
        if self.grant not in ("password", "authorization_code"):
            raise ValueError(
                f"butterflymx: grant must be 'password' or 'authorization_code', not {self.grant!r}"
            )
        if self.grant == "password":
            if not self.username:
                raise ValueError("butterflymx: username is required for the password grant")
            if not self.password:
                raise ValueError("butterflymx: password is required for the password grant")
        else:
            if not self.redirect_uri:
                raise ValueError("butterflymx: redirect_uri is required for the code grant")
            _require_http_url("redirect_uri", self.redirect_uri)
        if not 1 <= self.page_size <= MAX_PAGE_SIZE:
            raise ValueError(f"butterflymx: page_size must be between 1 and {MAX_PAGE_SIZE}")
        if self.rate_limit_per_minute is not None and self.rate_limit_per_minute < 1:
            raise ValueError("butterflymx: rate_limit_per_minute must be positive or None")
        if self.breaker_threshold < 1 or self.breaker_probe_s <= 0:
            raise ValueError("butterflymx: breaker_threshold and breaker_probe_s must be > 0")

    @property
    def token_key(self) -> str:
        return f"butterflymx:{self.client_id}:{self.account or self.username or 'default'}"


def _require_http_url(setting: str, value: str) -> None:
    parts = urlsplit(value or "")
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise ValueError(f"butterflymx: {setting} must be an http(s) URL, got {value!r}")
