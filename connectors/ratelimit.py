"""Client-side rate limiting per vendor account: at most `limit` calls in any rolling window.

A rolling window (not a token bucket) is what keeps us under a vendor's fixed
per-minute window: RemoteLock allows 120 requests per minute per account, and a
bucket could send 240 across a window boundary.
"""

from __future__ import annotations

import asyncio
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field


@dataclass
class RateLimiter:
    limit: int
    window_s: float = 60.0
    clock: Callable[[], float] = field(default=time.monotonic, repr=False)
    _sent: deque[float] = field(default_factory=deque, repr=False)
    _lock: asyncio.Lock = field(default_factory=asyncio.Lock, repr=False)
    paused_until: float = 0.0

    def try_acquire(self) -> bool:
        """Take a slot if one is free now and nobody is queued for one."""
        return not self._lock.locked() and self._take() == 0.0

    async def acquire(self) -> None:
        """Wait for a slot, then take it."""
        async with self._lock:
            while True:
                wait = self._take()
                if wait == 0.0:
                    return
                await asyncio.sleep(wait)

    def _take(self) -> float:
        """Take a slot if one is free now (0.0), else the seconds until one may be."""
        now = self.clock()
        while self._sent and self._sent[0] <= now - self.window_s:
            self._sent.popleft()
        wait = self.paused_until - now
        if wait <= 0 and len(self._sent) < self.limit:
            self._sent.append(now)
            return 0.0
        if wait <= 0:
            wait = self._sent[0] + self.window_s - now
        return max(wait, 0.001)

    def pause(self, seconds: float) -> None:
        """The vendor said 429: send nothing more for `seconds`."""
        self.paused_until = max(self.paused_until, self.clock() + seconds)

    @property
    def in_window(self) -> int:
        now = self.clock()
        return sum(1 for t in self._sent if t > now - self.window_s)
