"""Timeouts and the retry policy: small named config objects with module-level defaults."""

from __future__ import annotations

import random
import time
from contextvars import ContextVar, Token
from dataclasses import dataclass


@dataclass(frozen=True)
class Timeouts:
    """Per-call limits in seconds: connecting, and the whole request including the body."""

    connect: float = 3.0
    total: float = 10.0


@dataclass(frozen=True)
class RetryPolicy:
    """When and how often an idempotent call is retried.

    Only idempotent calls are retried, and only on connection errors, timeouts, 429
    and 502/503/504. Backoff is exponential with full jitter, and a `Retry-After`
    (or RemoteLock's `X-RateLimit-Reset`) longer than the backoff wins. If the vendor
    asks us to wait longer than `max_wait`, the call fails now instead of hanging.
    """

    attempts: int = 4  # total tries, the first included
    base_delay: float = 0.1
    max_delay: float = 2.0
    max_wait: float = 10.0  # the most we sleep for one Retry-After
    budget: float = 20.0  # the most time one call may spend sleeping between tries
    statuses: frozenset[int] = frozenset({429, 502, 503, 504})

    def backoff(self, attempt: int, rng: random.Random | None = None) -> float:
        """Sleep before try number `attempt + 1` (attempt counts from 1)."""
        ceiling = min(self.max_delay, self.base_delay * 2 ** (attempt - 1))
        return (rng or random).uniform(ceiling / 2, ceiling)


DEFAULT_TIMEOUTS = Timeouts()
DEFAULT_RETRY = RetryPolicy()
NO_RETRY = RetryPolicy(attempts=1)


# The caller's overall budget (a GraphQL request's), as a monotonic deadline. Every vendor
# call made in this context, retries and token renewals included, ends by then.
_deadline: ContextVar[float | None] = ContextVar("concierge_vendor_deadline", default=None)


def set_deadline(seconds: float) -> Token[float | None]:
    """Give every vendor call from this context `seconds` in total; reset with the token."""
    return _deadline.set(time.monotonic() + seconds)


def reset_deadline(token: Token[float | None]) -> None:
    _deadline.reset(token)


def remaining() -> float | None:
    """Seconds left before the context's deadline, or None when there is none."""
    deadline = _deadline.get()
    return None if deadline is None else deadline - time.monotonic()
