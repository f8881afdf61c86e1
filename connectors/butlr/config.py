"""Butlr connection settings: built once at start-up, frozen, validated, secrets masked."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import timedelta
from typing import Literal
from urllib.parse import urlsplit

from concierge.connectors.breaker import DEFAULT_PROBE_INTERVAL_S, DEFAULT_THRESHOLD
from concierge.connectors.policy import DEFAULT_RETRY, DEFAULT_TIMEOUTS, RetryPolicy, Timeouts

VENDOR = "butlr"
DEFAULT_API_URL = "https://api.butlr.io"
AUDIENCE = "https://butlrauth/"  # the one audience the reference shows for client login
MAX_PAGE_SIZE = 100  # the sandbox's `?limit=` ceiling (the reference names no page size)
# The reference documents no rate limit, only "avoid [logging in] on every request to prevent
# throttling": we cap ourselves at 600 calls a minute per account, far above the product's
# needs, so a runaway loop of ours cannot hammer the vendor. None turns the limiter off.
DEFAULT_RATE_LIMIT_PER_MINUTE = 600
DEFAULT_FAN_OUT = 8  # per-space lists fetched at once by one batched call
# How far back "current occupancy" looks for each room's latest per-minute sample.
DEFAULT_OCCUPANCY_LOOKBACK = timedelta(minutes=5)

Grant = Literal["client_credentials", "password"]
GRANTS: tuple[Grant, ...] = ("client_credentials", "password")


@dataclass(frozen=True)
class ButlrConfig:
    """How to reach one Butlr account.

    `client_credentials` (the product's flow) logs in with `client_id`/`client_secret`
    and repeats the login when the token expires. `password` signs in as a Butlr user
    (`username`/`password`) and refreshes with rotating refresh tokens.
    """

    client_id: str | None = None
    client_secret: str | None = field(default=None, repr=False)
    grant: Grant = "client_credentials"
    username: str | None = None
    password: str | None = field(default=None, repr=False)
    audience: str = AUDIENCE
    api_url: str = DEFAULT_API_URL
    auth_url: str | None = None  # the login host; the API host when None, as Butlr has it
    account: str | None = None  # token storage key; defaults to the client id or username
    page_size: int = MAX_PAGE_SIZE
    fan_out: int = DEFAULT_FAN_OUT
    occupancy_lookback: timedelta = DEFAULT_OCCUPANCY_LOOKBACK
    rate_limit_per_minute: int | None = DEFAULT_RATE_LIMIT_PER_MINUTE
    timeouts: Timeouts = DEFAULT_TIMEOUTS
    retry: RetryPolicy = DEFAULT_RETRY
    breaker_threshold: int = DEFAULT_THRESHOLD
    breaker_probe_s: float = DEFAULT_PROBE_INTERVAL_S
    token_margin_s: float = 120.0

    def __post_init__(self) -> None:
        if self.grant not in GRANTS:
            raise ValueError(f"butlr grant must be one of {', '.join(GRANTS)}, not {self.grant!r}")
        if self.grant == "client_credentials":
            if not (self.client_id or "").strip():
                raise ValueError("butlr client_id is required for the client_credentials grant")
            if not (self.client_secret or "").strip():
                raise ValueError("butlr client_secret is required for the client_credentials grant")
            if not self.audience.strip():
                raise ValueError("butlr audience must not be empty")
        else:
            if not (self.username or "").strip():
                raise ValueError("butlr username is required for the password grant")
            if not self.password:
                raise ValueError("butlr password is required for the password grant")
        _require_http_url("api_url", self.api_url)
        if self.auth_url is not None:
            _require_http_url("auth_url", self.auth_url)
        if not 1 <= self.page_size <= MAX_PAGE_SIZE:
            raise ValueError(f"butlr page_size must be between 1 and {MAX_PAGE_SIZE}")
        if self.fan_out < 1:
            raise ValueError("butlr fan_out must be positive")
        if (
            self.occupancy_lookback < timedelta(minutes=1)
            or self.occupancy_lookback.total_seconds() % 60
        ):
            raise ValueError("butlr occupancy_lookback must be whole minutes, at least one")
        if self.rate_limit_per_minute is not None and self.rate_limit_per_minute < 1:
            raise ValueError("butlr rate_limit_per_minute must be positive or None")
        if self.breaker_threshold < 1 or self.breaker_probe_s <= 0:
            raise ValueError("butlr breaker_threshold and breaker_probe_s must be positive")
        if self.token_margin_s < 0:
            raise ValueError("butlr token_margin_s must not be negative")

    @property
    def login_url(self) -> str:
        return (self.auth_url or self.api_url).rstrip("/")

    @property
    def token_key(self) -> str:
        who = self.account or (self.client_id if self.grant == "client_credentials" else None)
        return f"{VENDOR}:{who or self.username}:{self.grant}"


def _require_http_url(setting: str, value: str) -> None:
    parts = urlsplit(value or "")
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise ValueError(f"butlr {setting} must be an http(s) URL, got {value!r}")
