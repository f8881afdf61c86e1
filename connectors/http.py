"""One vendor's HTTP transport: auth, rate limit, circuit breaker, retries, error translation.

This is the only module that sees aiohttp's exceptions; it turns each into the most
specific `VendorError` (`raise ... from exc`). The `ClientSession` is handed in by the
server and shared; this module never creates one.
"""

from __future__ import annotations

import asyncio
import json
import logging
import random
import re
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from email.utils import parsedate_to_datetime
from typing import Any, Protocol, TypedDict
from urllib.parse import quote

import aiohttp
import orjson
from multidict import CIMultiDictProxy
from yarl import URL

from concierge.connectors.breaker import CircuitBreaker
from concierge.connectors.errors import (
    CircuitOpenError,
    FieldError,
    VendorAuthError,
    VendorError,
    VendorForbiddenError,
    VendorNotFoundError,
    VendorProtocolError,
    VendorRateLimitedError,
    VendorRejectedError,
    VendorTimeoutError,
    VendorUnavailableError,
)
from concierge.connectors.policy import (
    DEFAULT_RETRY,
    DEFAULT_TIMEOUTS,
    RetryPolicy,
    Timeouts,
    remaining,
)
from concierge.connectors.ratelimit import RateLimiter
from concierge.connectors.tokens import TokenSource

log = logging.getLogger(__name__)

IDEMPOTENT_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})

ErrorReader = Callable[[int, Any], tuple[str, list[FieldError]]]
"""(status, parsed body or None) -> (message, field errors) in the vendor's error format."""
WaitReader = Callable[[Mapping[str, str], float], float | None]
"""(response headers, now) -> seconds the vendor wants us to wait, or None."""


# `.` and `..` alone would be read as dot segments (yarl resolves them, even encoded as
# `%2E`), and an empty one changes the route: no vendor object can have such an id.
_UNROUTABLE = frozenset({"", ".", ".."})


def segment(value: str | int, *, vendor: str) -> str:
    """`value` as exactly one URL path segment: `/`, `?`, `#` and `%` are percent-encoded,
    so an id (a decoded node ID, say) can never reach another route or add a query.

    An id that cannot be one segment (`.`, `..`, empty) names nothing: `VendorNotFoundError`,
    without a request.
    """
    text = str(value)
    if text in _UNROUTABLE:
        raise VendorNotFoundError(f"no record can have the id {text!r}", vendor=vendor)
    return quote(text, safe="")


def default_error_reader(status: int, body: Any) -> tuple[str, list[FieldError]]:
    if isinstance(body, dict):
        for key in ("message", "error_description", "error", "detail"):
            if isinstance(body.get(key), str):
                return body[key], []
    return f"HTTP {status}", []


def retry_after_header(headers: Mapping[str, str], now: float) -> float | None:
    """Seconds from a `Retry-After` header (delta-seconds or an HTTP date)."""
    raw = headers.get("Retry-After")
    if raw is None:
        return None
    try:
        return max(0.0, float(raw))
    except ValueError:
        pass
    try:
        return max(0.0, parsedate_to_datetime(raw).timestamp() - now)
    except (TypeError, ValueError):
        return None


class HTTPObserver(Protocol):
    """What the transport reports as it works (the server's metrics implement it; connectors
    never import server code). `route` is the path with ids replaced by `{id}`."""

    def exchanged(self, vendor: str, method: str, route: str, status: str, seconds: float) -> None:
        """One request sent: its HTTP status, or `timeout` / `connect_error` / `error`."""

    def retried(self, vendor: str, kind: str) -> None:
        """A failed call (`kind`: the error's kind) is about to be sent again."""

    def waited(self, vendor: str, seconds: float) -> None:
        """A call waited this long for the client-side rate limit."""


_VERSION = re.compile(r"v\d+(\.\d+)*")


def route_template(url: str) -> str:
    """The URL's path with each id-like segment (one with a digit, not `v3`) as `{id}`:
    a bounded set of label values, whatever ids the graph asks for."""
    parts = URL(url).path.split("/")
    return "/".join(
        "{id}" if any(c.isdigit() for c in p) and not _VERSION.fullmatch(p) else p for p in parts
    )


@dataclass(frozen=True)
class Response:
    status: int
    headers: CIMultiDictProxy[str]
    body: Any  # parsed JSON, or None for an empty body
    url: str


@dataclass
class VendorHTTP:
    vendor: str
    session: aiohttp.ClientSession
    timeouts: Timeouts = DEFAULT_TIMEOUTS
    retry: RetryPolicy = DEFAULT_RETRY
    breaker: CircuitBreaker | None = None
    limiter: RateLimiter | None = None
    read_error: ErrorReader = default_error_reader
    read_wait: WaitReader = retry_after_header
    rng: random.Random = field(default_factory=random.Random, repr=False)
    clock: Callable[[], float] = field(default=time.time, repr=False)
    sleep: Callable[[float], Any] = field(default=asyncio.sleep, repr=False)
    observer: HTTPObserver | None = field(default=None, repr=False)  # the server sets it
    calls: int = 0

    def __post_init__(self) -> None:
        if self.breaker is None:
            self.breaker = CircuitBreaker(self.vendor)

    async def request(
        self,
        method: str,
        url: str,
        *,
        params: Mapping[str, str] | list[tuple[str, str]] | None = None,
        json_body: Any = None,
        form: Mapping[str, str] | None = None,
        headers: Mapping[str, str] | None = None,
        tokens: TokenSource | None = None,
        idempotent: bool | None = None,
        retry: RetryPolicy | None = None,
    ) -> Response:
        """Send one logical call; retried only when idempotent (GET by default).

        A call that is not idempotent (an unlock, a key issue, a token refresh) is
        retried only when the connection could not be opened, because then nothing
        reached the vendor. A 401 with `tokens` renews the token once and resends:
        the vendor refused it before acting.
        """
        method = method.upper()
        policy = retry or self.retry
        safe = method in IDEMPOTENT_METHODS if idempotent is None else idempotent
        attempt, slept, reauthed = 0, 0.0, False
        while True:
            attempt += 1
            token: str | None = None
            try:
                token = await tokens.token() if tokens is not None else None
                return await self._send(method, url, params, json_body, form, headers, token)
            except VendorAuthError as exc:
                if tokens is None or token is None or reauthed or exc.status != 401:
                    raise
                reauthed = True
                await tokens.invalidate(token)
                attempt -= 1
                continue
            except VendorError as exc:
                delay = self._retry_delay(exc, policy, attempt, safe)
                left = remaining()
                if delay is None or slept + delay > policy.budget:
                    raise
                if left is not None and delay >= left:
                    raise  # the caller's deadline comes first: answer with what we know
                log.info(
                    "%s %s %s failed (%s); retry %d in %.2fs",
                    self.vendor,
                    method,
                    _public(url),
                    exc.kind,
                    attempt,
                    delay,
                )
                slept += delay
                if self.observer is not None:
                    self.observer.retried(self.vendor, exc.kind)
                await self.sleep(delay)

    def _retry_delay(
        self, exc: VendorError, policy: RetryPolicy, attempt: int, safe: bool
    ) -> float | None:
        if attempt >= policy.attempts or isinstance(exc, CircuitOpenError):
            return None
        if self.breaker is not None and self.breaker.state == "open":
            return None  # that failure opened the circuit: a retry would fail fast anyway
        if isinstance(exc, _ConnectError):
            return policy.backoff(attempt, self.rng)  # nothing was sent: always safe
        if not safe or not exc.transient:
            return None
        if exc.status is not None and exc.status not in policy.statuses:
            return None
        delay = policy.backoff(attempt, self.rng)
        if isinstance(exc, VendorRateLimitedError) and exc.retry_after is not None:
            if exc.retry_after > policy.max_wait:
                return None
            delay = max(delay, exc.retry_after)
        return delay

    async def _send(
        self,
        method: str,
        url: str,
        params: Mapping[str, str] | list[tuple[str, str]] | None,
        json_body: Any,
        form: Mapping[str, str] | None,
        headers: Mapping[str, str] | None,
        token: str | None,
    ) -> Response:
        assert self.breaker is not None
        context = _Context(vendor=self.vendor, method=method, url=_public(url))
        left = remaining()
        if left is not None and left <= 0:
            raise VendorTimeoutError("the request's deadline passed before this call", **context)
        # A free slot is taken without a task and a loop turn (`wait_for` makes both): with
        # new connections to open, every turn lets other work in before this call is sent.
        if self.limiter is not None and not self.limiter.try_acquire():
            started = time.perf_counter()
            try:
                await asyncio.wait_for(self.limiter.acquire(), left)
            except TimeoutError as exc:
                raise VendorTimeoutError(
                    "the request's deadline passed waiting for the rate limit", **context
                ) from exc
            finally:
                if self.observer is not None:
                    self.observer.waited(self.vendor, time.perf_counter() - started)
        self.breaker.before_call()  # after the limiter: a half-open probe must not wait
        probe = self.breaker.state == "half_open"  # this call is the one probe
        try:
            return await self._exchange(method, url, params, json_body, form, headers, token)
        except BaseException:
            if probe:
                self.breaker.release()  # no answer (cancelled, unreadable): let another probe
            raise

    async def _exchange(
        self,
        method: str,
        url: str,
        params: Mapping[str, str] | list[tuple[str, str]] | None,
        json_body: Any,
        form: Mapping[str, str] | None,
        headers: Mapping[str, str] | None,
        token: str | None,
    ) -> Response:
        """One request and its answer, recorded on the breaker."""
        assert self.breaker is not None
        context = _Context(vendor=self.vendor, method=method, url=_public(url))
        left = remaining()
        sent_headers = dict(headers or {})
        if token is not None:
            sent_headers["Authorization"] = f"Bearer {token}"
        kwargs: dict[str, Any] = {"headers": sent_headers, "params": params}
        if json_body is not None:
            kwargs["data"] = json.dumps(json_body)
            sent_headers.setdefault("Content-Type", "application/json")
        elif form is not None:
            kwargs["data"] = dict(form)
        total = self.timeouts.total if left is None else min(self.timeouts.total, left)
        timeout = aiohttp.ClientTimeout(total=total, connect=min(self.timeouts.connect, total))
        self.calls += 1
        started, outcome = time.perf_counter(), "error"
        try:
            async with self.session.request(method, url, timeout=timeout, **kwargs) as response:
                raw = await response.read()
                status, response_headers = response.status, response.headers
                outcome = str(status)
        except TimeoutError as exc:
            outcome = "timeout"
            self.breaker.record_failure()
            raise VendorTimeoutError(f"no answer within {total:.3g}s", **context) from exc
        except aiohttp.ClientConnectorError as exc:
            outcome = "connect_error"
            self.breaker.record_failure()
            raise _ConnectError(f"cannot connect: {exc.os_error}", **context) from exc
        except aiohttp.ClientError as exc:
            self.breaker.record_failure()
            raise VendorUnavailableError(f"{type(exc).__name__}: {exc}", **context) from exc
        finally:
            if self.observer is not None:
                elapsed = time.perf_counter() - started
                self.observer.exchanged(self.vendor, method, route_template(url), outcome, elapsed)
        body = _parse(raw, status, context)
        if status < 400:
            self.breaker.record_success()
            return Response(status, response_headers, body, str(response.url))
        raise self._error(status, response_headers, body, context)

    def _error(
        self, status: int, headers: CIMultiDictProxy[str], body: Any, context: _Context
    ) -> VendorError:
        assert self.breaker is not None
        message, field_errors = self.read_error(status, body)
        if status >= 500:
            self.breaker.record_failure()
            return VendorUnavailableError(message, status=status, **context)
        self.breaker.record_neutral()
        if status == 429:
            wait = self.read_wait(headers, self.clock())
            if self.limiter is not None and wait is not None:
                self.limiter.pause(wait)
            return VendorRateLimitedError(message, retry_after=wait, status=status, **context)
        if status == 401:
            return VendorAuthError(message, status=status, **context)
        if status == 403:
            return VendorForbiddenError(message, status=status, **context)
        if status == 404:
            return VendorNotFoundError(message, status=status, **context)
        return VendorRejectedError(message, field_errors=field_errors, status=status, **context)


class _Context(TypedDict):
    vendor: str
    method: str
    url: str


class _ConnectError(VendorUnavailableError):
    """The connection could not be opened, so the request never reached the vendor."""


def _parse(raw: bytes, status: int, context: _Context) -> Any:
    if not raw.strip():
        return None
    try:
        return orjson.loads(raw)
    except orjson.JSONDecodeError as exc:
        if status >= 400:
            return None  # an HTML error page from a proxy: the status says enough
        raise VendorProtocolError(
            f"response is not JSON: {raw[:80]!r}", status=status, **context
        ) from exc


def _public(url: str) -> str:
    """The URL without its query string, which may carry identifiers or codes."""
    return str(URL(url).with_query(None))
