"""RemoteLock's rate limit: 120 API requests a minute per account, in fixed windows."""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

from concierge.sandbox.clock import Clock
from concierge.sandbox.remotelock.errors import RateLimitedError

LIMIT = 120
WINDOW_S = 60.0


@dataclass
class Window:
    started_at: float
    used: int = 0

    @property
    def resets_at(self) -> float:
        return self.started_at + WINDOW_S


class RateLimiter:
    """One fixed window per account, opened by its first request and closed a minute later."""

    def __init__(self, clock: Clock, limit: int = LIMIT) -> None:
        self._clock = clock
        self.limit = limit
        self._windows: dict[str, Window] = {}
        self.rejected = 0

    def _current(self, account_id: str) -> Window:
        now = self._clock.time()
        window = self._windows.get(account_id)
        if window is None or now >= window.resets_at:
            # Reference silent: the window's alignment is undocumented; ours opens at the first
            # request after the previous window closed, so a burst always gets a full minute.
            window = Window(started_at=now)
            self._windows[account_id] = window
        return window

    def headers(self, account_id: str) -> dict[str, str]:
        """The X-RateLimit-* headers for the account's current window, without counting."""
        window = self._current(account_id)
        return {
            "X-RateLimit-Limit": str(self.limit),
            "X-RateLimit-Remaining": str(max(0, self.limit - window.used)),
            "X-RateLimit-Reset": str(math.ceil(window.resets_at)),
        }

    def hit(self, account_id: str) -> dict[str, str]:
        """Count one request; its headers, or RateLimitedError once the window is spent."""
        window = self._current(account_id)
        if window.used >= self.limit:
            self.rejected += 1
            headers = self.headers(account_id)
            # Reference silent: no Retry-After is documented; we add it beside X-RateLimit-Reset.
            retry = max(1, math.ceil(window.resets_at - self._clock.time()))
            raise RateLimitedError(headers | {"Retry-After": str(retry)})
        window.used += 1
        return self.headers(account_id)

    def state(self) -> dict[str, Any]:
        now = self._clock.time()
        return {
            "limit": self.limit,
            "window_s": WINDOW_S,
            "rejected": self.rejected,
            "windows": {
                account: {
                    "started_at": w.started_at,
                    "resets_at": w.resets_at,
                    "used": w.used,
                    "remaining": max(0, self.limit - w.used),
                    "open": now < w.resets_at,
                }
                for account, w in self._windows.items()
            },
        }
