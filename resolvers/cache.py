"""TTL caches under the dataloaders, shared by all requests of one server.

Two classes of data: reference data (buildings, units, tenants, doors, spaces, rooms,
sensors) kept for `reference_ttl_s`, and live data (occupancy, lock state) kept for
`live_ttl_s`. Keys always start with the vendor and the vendor account, so a client
never sees data fetched with another account's credentials. Concurrent misses for the
same key share one vendor call. Failures are never cached.

With a `SharedTier` (Redis, when `redis_url` is set) this cache is the first tier: a miss
asks the shared tier before the vendor, a fetch is claimed so concurrent misses on other
replicas wait for it instead of calling too, what is fetched is written to both, and an
invalidation reaches every replica's first tier.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Hashable, Sequence
from typing import Any, Literal, Protocol, TypeVar

from cachetools import TTLCache

T = TypeVar("T")
Kind = Literal["reference", "live"]


class SharedTier(Protocol):
    """A second tier shared by replicas (`resolvers.shared_cache.RedisTier`); its failures
    are misses, never errors."""

    async def get(self, kind: str, key: Hashable) -> tuple[bool, Any]: ...

    async def get_many(self, kind: str, keys: Sequence[Hashable]) -> dict[Hashable, Any]: ...

    async def set_many(self, kind: str, items: dict[Hashable, Any], ttl_s: float) -> None: ...

    async def claim(self, kind: str, key: Hashable) -> bool: ...

    async def release(self, kind: str, key: Hashable) -> None: ...

    async def wait_for(self, kind: str, key: Hashable) -> tuple[bool, Any]: ...

    async def invalidate(self, prefix: tuple[Hashable, ...]) -> None: ...


class VendorCache:
    def __init__(
        self,
        *,
        reference_ttl_s: float = 300.0,
        live_ttl_s: float = 10.0,
        maxsize: int = 8192,
        shared: SharedTier | None = None,
    ) -> None:
        self._caches: dict[Kind, TTLCache[Hashable, Any]] = {
            "reference": TTLCache(maxsize=maxsize, ttl=reference_ttl_s),
            "live": TTLCache(maxsize=maxsize, ttl=live_ttl_s),
        }
        self._ttl: dict[Kind, float] = {"reference": reference_ttl_s, "live": live_ttl_s}
        self._inflight: dict[tuple[Kind, Hashable], asyncio.Future[Any]] = {}  # fetch tasks
        self.shared = shared
        self._writes: set[asyncio.Future[None]] = set()  # shared-tier writes not yet done
        self.hits = 0
        self.misses = 0
        self.shared_hits = 0  # first-tier misses the shared tier answered

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
        claimed = False
        try:
            if self.shared is not None:
                hit, shared = await self.shared.get(kind, key)
                if not hit:
                    claimed = await self.shared.claim(kind, key)
                    if not claimed:  # another replica is fetching it: wait for its answer
                        hit, shared = await self.shared.wait_for(kind, key)
                if hit:
                    self.shared_hits += 1
                    self._caches[kind][key] = shared
                    return shared  # type: ignore[no-any-return]
            value = await fetch()
            self._caches[kind][key] = value
            if self.shared is not None:
                await self.shared.set_many(kind, {key: value}, self._ttl[kind])
                await self.flush()  # puts the fetch made (a prefetch) are shared too
            return value
        finally:
            self._inflight.pop((kind, key), None)
            if claimed and self.shared is not None:
                await self.shared.release(kind, key)

    async def peek_shared(self, kind: Kind, keys: Sequence[Hashable]) -> dict[Hashable, Any]:
        """The shared tier's values for first-tier misses `keys`, kept in the first tier."""
        if self.shared is None or not keys:
            return {}
        found = await self.shared.get_many(kind, keys)
        for key, value in found.items():
            self._caches[kind][key] = value
        self.shared_hits += len(found)
        return found

    async def flush(self) -> None:
        """Wait for the shared-tier writes and invalidations started so far."""
        while self._writes:
            await asyncio.gather(*list(self._writes), return_exceptions=True)

    def _later(self, write: Awaitable[None]) -> None:
        task = asyncio.ensure_future(write)
        self._writes.add(task)
        task.add_done_callback(self._writes.discard)
        task.add_done_callback(_retrieve)

    async def close(self) -> None:
        """Cancel fetches still running (the server is stopping); finish shared writes."""
        running = list(self._inflight.values())
        for task in running:
            task.cancel()
        await asyncio.gather(*running, return_exceptions=True)
        await self.flush()

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
        if self.shared is not None:
            self._later(self.shared.set_many(kind, {key: value}, self._ttl[kind]))

    def invalidate(self, prefix: tuple[Hashable, ...]) -> int:
        """Drop every entry whose key starts with `prefix` (after our own writes), here
        and, through the shared tier, on every replica."""
        if self.shared is not None:
            self._later(self.shared.invalidate(prefix))
        return self.drop_local(prefix)

    def count(self, prefix: tuple[Hashable, ...] = ()) -> int:
        """First-tier entries whose key starts with `prefix`."""
        return sum(
            1
            for cache in self._caches.values()
            for key in list(cache.keys())
            if isinstance(key, tuple) and key[: len(prefix)] == prefix
        )

    def drop_local(self, prefix: tuple[Hashable, ...]) -> int:
        """Drop this replica's first-tier entries under `prefix` (another replica wrote)."""
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
