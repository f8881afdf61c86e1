"""Coordinators: one poll per resource however many watch it, changes only, last good kept."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator

from concierge.connectors.errors import VendorUnavailableError
from concierge.resolvers.coordinators import Coordinators
from concierge.resolvers.tasks import BackgroundTasks


async def test_many_watchers_share_one_poll_that_stops_after_the_last() -> None:
    tasks = BackgroundTasks()
    coordinators = Coordinators(tasks)
    counts = iter([1, 1, 2, 2, 3] + [3] * 1000)
    polled = 0

    async def fetch() -> int:
        nonlocal polled
        polled += 1
        return next(counts)

    watchers = [coordinators.watch("room:1", fetch, interval_s=0.01) for _ in range(50)]

    async def three(watcher: AsyncIterator[int]) -> list[int]:
        return [await anext(watcher), await anext(watcher), await anext(watcher)]

    seen = await asyncio.wait_for(asyncio.gather(*(three(w) for w in watchers)), timeout=5)
    assert all(values == [1, 2, 3] for values in seen)  # changes only, in order
    assert coordinators.polling("room:1")
    assert polled < 20  # one poll per interval for all 50, not one each
    for w in watchers:
        await w.aclose()
    assert not coordinators.polling("room:1")
    await asyncio.sleep(0.05)
    stopped_at = polled
    await asyncio.sleep(0.05)
    assert polled == stopped_at
    await tasks.close()


async def test_a_transient_vendor_failure_keeps_the_last_good_value() -> None:
    tasks = BackgroundTasks()
    coordinators = Coordinators(tasks)
    script: list[int | Exception] = [5, VendorUnavailableError("down", vendor="butlr"), 5, 6]

    async def fetch() -> int:
        step = script.pop(0) if script else 6
        if isinstance(step, Exception):
            raise step
        return step

    watcher = coordinators.watch("room:2", fetch, interval_s=0.01)
    assert await asyncio.wait_for(anext(watcher), timeout=5) == 5
    assert await asyncio.wait_for(anext(watcher), timeout=5) == 6
    late = coordinators.watch("room:2", fetch, interval_s=0.01)
    assert (
        await asyncio.wait_for(anext(late), timeout=5) == 6
    )  # a newcomer starts from the current value
    await watcher.aclose()
    await late.aclose()
    await tasks.close()
