"""Helpers for dataloader batch functions that sit on the shared TTL cache."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Awaitable, Callable, Hashable, Mapping, Sequence
from typing import Any, TypeVar

from concierge.resolvers.cache import Kind, VendorCache

R = TypeVar("R")


async def keyed(
    cache: VendorCache,
    kind: Kind,
    prefix: tuple[Hashable, ...],
    keys: Sequence[str],
    fetch: Callable[[list[str]], Awaitable[Mapping[str, R]]],
) -> list[R | None]:
    """One value per key: cached ones from the cache, the rest from one vendor call.

    Every requested key gets a cache entry (None when the vendor had nothing for it), so
    a key the vendor does not know is not asked about again within the TTL.
    """
    found: dict[str, R | None] = {}
    missing: list[str] = []
    for key in dict.fromkeys(keys):
        hit, value = cache.peek(kind, (*prefix, key))
        if hit:
            found[key] = value
        else:
            missing.append(key)
    if missing and cache.shared is not None:
        shared = await cache.peek_shared(kind, [(*prefix, key) for key in missing])
        for full, value in shared.items():
            assert isinstance(full, tuple)
            found[full[-1]] = value
        missing = [key for key in missing if key not in found]
    if missing:
        fetched = await fetch(missing)
        for key in missing:
            found[key] = fetched.get(key)
            cache.put(kind, (*prefix, key), found[key])
        await cache.flush()  # shared before the answer: another replica may ask next
    return [found[key] for key in keys]


async def grouped(
    cache: VendorCache,
    kind: Kind,
    prefix: tuple[Hashable, ...],
    keys: Sequence[str],
    fetch: Callable[[list[str]], Awaitable[Sequence[R]]],
    group_of: Callable[[R], str | None],
) -> list[list[R]]:
    """Children per parent key in one vendor call for all uncached parents."""

    async def fetch_groups(missing: list[str]) -> dict[str, list[R]]:
        by_parent: dict[str, list[R]] = defaultdict(list)
        for record in await fetch(missing):
            parent = group_of(record)
            if parent is not None:
                by_parent[parent].append(record)
        return by_parent

    groups = await keyed(cache, kind, prefix, keys, fetch_groups)
    return [group if group is not None else [] for group in groups]


def index(records: Sequence[R], key_of: Callable[[R], str]) -> dict[str, R]:
    return {key_of(r): r for r in records}


def pick(table: dict[str, Any], keys: Sequence[str]) -> list[Any]:
    return [table.get(key) for key in keys]
