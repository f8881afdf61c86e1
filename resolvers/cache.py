"""TTL caches under the dataloaders, shared by all requests of one server.

Two classes of data: reference data (buildings, units, tenants, doors, spaces, rooms,
sensors) kept for `reference_ttl_s`, and live data (occupancy, lock state) kept for
`live_ttl_s`. Keys always start with the vendor and the vendor account, so a client
never sees data fetched with another account's credentials. Concurrent misses for the
same key share one vendor call. Failures are never cached.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Hashable
from typing import Any, Literal, TypeVar

from cachetools import TTLCache

T = TypeVar("T")
Kind = Literal["reference", "live"]


class VendorCache:
    def __init__(
        self, *, reference_ttl_s: float = 300.0, live_ttl_s: float = 10.0, maxsize: int = 8192
    ) -> None:
        self._caches: dict[Kind, TTLCache[Hashable, Any]] = {
            "reference": TTLCache(maxsize=maxsize, ttl=reference_ttl_s),
            "live": TTLCache(maxsize=maxsize, ttl=live_ttl_s),
        }
        self._inflight: dict[tuple[Kind, Hashable], asyncio.Future[Any]] = {}  # fetch tasks
        self.hits = 0
        self.misses = 0

    async def get_or_fetch(self, kind: Kind, key: Hashable, fetch: Callable[[], Awaitable[T]]) -> T:
        """The cached value, or `fetch()`'s; concurrent misses share one fetch.

        The fetch runs as a task the cache owns, so a caller that goes away (a client
        disconnecting cancels its request) cancels only its own wait: the others, and the
        cache entry, still get the answer.
        """
        cache = self._caches[kind]
        try:
            value: T = cache[key]
        except KeyError:
            pass
        else:
            self.hits += 1
            return value
        task = self._inflight.get((kind, key))
        if task is None:
            self.misses += 1
            task = asyncio.ensure_future(self._fill(kind, key, fetch))
            self._inflight[(kind, key)] = task
            task.add_done_callback(_retrieve)
        result: T = await asyncio.shield(task)
        return result

    async def _fill(self, kind: Kind, key: Hashable, fetch: Callable[[], Awaitable[T]]) -> T:
        try:
            value = await fetch()
        finally:
            self._inflight.pop((kind, key), None)
        self._caches[kind][key] = value
        return value

    async def close(self) -> None:
        """Cancel fetches still running (the server is stopping)."""
        running = list(self._inflight.values())
        for task in running:
            task.cancel()
        await asyncio.gather(*running, return_exceptions=True)

    def peek(self, kind: Kind, key: Hashable) -> tuple[bool, Any]:
        """(True, value) on a hit; a batch loader fetches only its misses."""
        try:
            value = self._caches[kind][key]
        except KeyError:
            return False, None
        self.hits += 1
        return True, value

    def put(self, kind: Kind, key: Hashable, value: Any) -> None:
        self.misses += 1
        self._caches[kind][key] = value

    def invalidate(self, prefix: tuple[Hashable, ...]) -> int:
        """Drop every entry whose key starts with `prefix` (after our own writes)."""
        dropped = 0
        for cache in self._caches.values():
            for key in list(cache.keys()):
                if isinstance(key, tuple) and key[: len(prefix)] == prefix:
                    del cache[key]
                    dropped += 1
        return dropped

    def clear(self) -> None:
        for cache in self._caches.values():
            cache.clear()


def _retrieve(task: asyncio.Future[Any]) -> None:
    if not task.cancelled():
        task.exception()  # every waiter may have gone: asyncio must not log it as lost
