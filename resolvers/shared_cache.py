"""The cache's second tier in Redis: shared by replicas, sealed, invalidated everywhere.

Entries are pickled and sealed with the store's token key (Fernet: encrypted and
authenticated), so a replica only ever unpickles what a replica holding that key wrote.
Every Redis failure degrades to a miss, logged once per outage: Redis being down costs
vendor calls, never answers.
"""

from __future__ import annotations

import asyncio
import logging
import pickle
from collections.abc import Callable, Hashable, Sequence
from typing import Any

from cryptography.fernet import InvalidToken, MultiFernet
from redis.asyncio import Redis
from redis.exceptions import RedisError

log = logging.getLogger(__name__)

SEP = "\x1f"  # between key parts: never inside a part's repr
_GLOB = str.maketrans({c: f"\\{c}" for c in "*?[]\\"})
DOWN = (RedisError, OSError, TimeoutError)


class RedisTier:
    """`VendorCache`'s shared tier (see `resolvers.cache.SharedTier`)."""

    def __init__(
        self,
        redis: Redis,
        seal: MultiFernet,
        *,
        namespace: str = "concierge",
        wait_s: float = 2.0,
        timeout_s: float = 1.0,
    ) -> None:
        self._redis = redis
        self._seal = seal
        self._ns = f"{namespace}:cache"
        self.channel = f"{self._ns}:invalidate"
        self._wait_s = wait_s
        self._timeout_s = timeout_s
        self._down = False

    def name(self, kind: str, key: Hashable) -> str:
        parts = key if isinstance(key, tuple) else (key,)
        return f"{self._ns}:{kind}:" + SEP.join(repr(p) for p in parts)

    def _pack(self, value: Any) -> bytes:
        return self._seal.encrypt(pickle.dumps(value, protocol=pickle.HIGHEST_PROTOCOL))

    def _unpack(self, raw: bytes) -> tuple[bool, Any]:
        try:
            return True, pickle.loads(self._seal.decrypt(raw))
        except InvalidToken:
            return False, None  # written with another key (rotated, or another deployment)

    async def _call(self, what: Callable[[], Any], default: Any) -> Any:
        try:
            result = await asyncio.wait_for(what(), self._timeout_s)
        except DOWN as exc:
            if not self._down:
                log.warning("shared cache unavailable (%s): using the local cache only", exc)
            self._down = True
            return default
        if self._down:
            log.warning("shared cache reachable again")
            self._down = False
        return result

    async def get(self, kind: str, key: Hashable) -> tuple[bool, Any]:
        raw = await self._call(lambda: self._redis.get(self.name(kind, key)), None)
        return (False, None) if raw is None else self._unpack(raw)

    async def get_many(self, kind: str, keys: Sequence[Hashable]) -> dict[Hashable, Any]:
        if not keys:
            return {}
        raws = await self._call(lambda: self._redis.mget([self.name(kind, k) for k in keys]), [])
        found: dict[Hashable, Any] = {}
        for key, raw in zip(keys, raws, strict=False):
            if raw is not None:
                ok, value = self._unpack(raw)
                if ok:
                    found[key] = value
        return found

    async def set_many(self, kind: str, items: dict[Hashable, Any], ttl_s: float) -> None:
        if not items:
            return
        ms = max(1, int(ttl_s * 1000))

        async def write() -> None:
            async with self._redis.pipeline(transaction=False) as pipe:
                for key, value in items.items():
                    pipe.set(self.name(kind, key), self._pack(value), px=ms)
                await pipe.execute()

        await self._call(write, None)

    async def claim(self, kind: str, key: Hashable) -> bool:
        """True: this replica fetches `key`; False: another one is fetching it now."""
        name = self.name(kind, key) + ":fetching"
        ms = int(self._wait_s * 1000)
        got = await self._call(lambda: self._redis.set(name, b"1", nx=True, px=ms), True)
        return bool(got)

    async def release(self, kind: str, key: Hashable) -> None:
        await self._call(lambda: self._redis.delete(self.name(kind, key) + ":fetching"), None)

    async def wait_for(self, kind: str, key: Hashable) -> tuple[bool, Any]:
        """The value another replica is fetching, once written (or a miss after `wait_s`)."""
        loop = asyncio.get_running_loop()
        deadline = loop.time() + self._wait_s
        claim = self.name(kind, key) + ":fetching"
        while loop.time() < deadline:
            hit, value = await self.get(kind, key)
            if hit or self._down:
                return hit, value
            if not await self._call(lambda: self._redis.exists(claim), 0):
                return await self.get(kind, key)  # done (or given up): one last look
            await asyncio.sleep(0.01)
        return False, None

    async def invalidate(self, prefix: tuple[Hashable, ...]) -> None:
        """Drop the shared entries under `prefix` and tell every replica to drop theirs."""

        async def drop() -> None:
            for kind in ("reference", "live"):
                base = self.name(kind, prefix)
                names = [n async for n in self._redis.scan_iter(base.translate(_GLOB) + SEP + "*")]
                await self._redis.unlink(base, *names)
            await self._redis.publish(self.channel, self._pack(prefix))

        await self._call(drop, None)

    async def listen(self, drop_local: Callable[[tuple[Hashable, ...]], object]) -> None:
        """Until cancelled: apply other replicas' invalidations to this replica's first tier."""
        while True:
            try:
                async with self._redis.pubsub() as pubsub:
                    await pubsub.subscribe(self.channel)
                    while True:
                        # Bounded waits (not `listen()`): the client's socket timeout
                        # would otherwise end a quiet subscription.
                        message = await pubsub.get_message(
                            ignore_subscribe_messages=True, timeout=1.0
                        )
                        if message is None or message.get("type") != "message":
                            continue
                        ok, prefix = self._unpack(message["data"])
                        if ok and isinstance(prefix, tuple):
                            drop_local(prefix)
            except DOWN as exc:
                log.warning("shared cache invalidations paused (%s); resubscribing", exc)
                await asyncio.sleep(1.0)
