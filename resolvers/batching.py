"""Helpers for dataloader batch functions that sit on the shared TTL cache."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Awaitable, Callable, Hashable, Sequence
from typing import Any, TypeVar

from resolvers.cache import Kind, VendorCache

R = TypeVar("R")


async def grouped(
    cache: VendorCache,
    kind: Kind,
    prefix: tuple[Hashable, ...],
    keys: Sequence[str],
    fetch: Callable[[list[str]], Awaitable[Sequence[R]]],
    group_of: Callable[[R], str | None],
) -> list[list[R]]:
    """Children per parent key in one vendor call for all uncached parents.

    Every requested parent gets a cache entry, an empty list included, so a parent with
    no children is not fetched again within the TTL.
    """
    found: dict[str, list[R]] = {}
    missing: list[str] = []
    for key in dict.fromkeys(keys):
        hit, value = cache.peek(kind, (*prefix, key))
        if hit:
            found[key] = value
        else:
            missing.append(key)
    if missing:
        by_parent: dict[str, list[R]] = defaultdict(list)
        for record in await fetch(missing):
            parent = group_of(record)
            if parent is not None:
                by_parent[parent].append(record)
        for key in missing:
            found[key] = by_parent.get(key, [])
            cache.put(kind, (*prefix, key), found[key])
    return [found[key] for key in keys]


def index(records: Sequence[R], key_of: Callable[[R], str]) -> dict[str, R]:
    return {key_of(r): r for r in records}


def pick(table: dict[str, Any], keys: Sequence[str]) -> list[Any]:
    return [table.get(key) for key in keys]
