"""Batch helpers under the dataloaders: only cache misses reach the vendor, in one call."""

from __future__ import annotations

from concierge.resolvers.batching import grouped, keyed
from concierge.resolvers.cache import VendorCache


async def test_keyed_fetches_only_the_misses_in_one_call_and_remembers_unknown_keys() -> None:
    cache = VendorCache()
    asked: list[list[str]] = []

    async def fetch(missing: list[str]) -> dict[str, str]:
        asked.append(missing)
        return {k: k.upper() for k in missing if k != "ghost"}

    assert await keyed(cache, "live", ("v",), ["a", "b", "ghost"], fetch) == ["A", "B", None]
    assert await keyed(cache, "live", ("v",), ["b", "c", "ghost", "c"], fetch) == [
        "B",
        "C",
        None,
        "C",
    ]
    # The second call asked only for "c": "b" was cached and "ghost" is known to be absent.
    assert asked == [["a", "b", "ghost"], ["c"]]


async def test_grouped_gives_every_parent_its_children_and_an_empty_list_for_none() -> None:
    cache = VendorCache()
    asked: list[list[str]] = []
    children = [("u1", "b1"), ("u2", "b1"), ("u3", "b2"), ("orphan", None)]

    async def fetch(missing: list[str]) -> list[tuple[str, str | None]]:
        asked.append(missing)
        return [c for c in children if c[1] in missing or c[1] is None]

    groups = await grouped(
        cache, "reference", ("units",), ["b1", "b2", "b3"], fetch, lambda c: c[1]
    )
    assert [[c[0] for c in g] for g in groups] == [["u1", "u2"], ["u3"], []]
    again = await grouped(cache, "reference", ("units",), ["b2"], fetch, lambda c: c[1])
    assert [c[0] for c in again[0]] == ["u3"]
    assert asked == [["b1", "b2", "b3"]]


async def test_caches_are_per_kind_and_invalidated_by_prefix() -> None:
    cache = VendorCache()
    cache.put("live", ("remotelock", "acct", "locks", "l1"), 1)
    cache.put("reference", ("remotelock", "acct", "doors"), 2)
    cache.put("reference", ("butlr", "acct", "spaces"), 3)
    assert cache.peek("reference", ("remotelock", "acct", "locks", "l1")) == (False, None)
    assert cache.invalidate(("remotelock", "acct")) == 2
    assert cache.peek("reference", ("butlr", "acct", "spaces")) == (True, 3)
