"""Coordinators: one poll per watched resource, shared by everyone watching it.

The first watcher of a key starts its poller (in the server's task group); the last one
leaving stops it. Each poll's value reaches every watcher only when it differs from the
last; a transient vendor failure keeps the last good value (logged once when the vendor
goes down and once when it recovers). The real-time issue puts Butlr occupancy and live
ButterflyMX calls on this, and a Redis lease so replicas share one poll.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator, Awaitable, Callable, Hashable
from dataclasses import dataclass, field
from typing import Any

from concierge.connectors.errors import VendorError
from concierge.resolvers.tasks import BackgroundTasks

log = logging.getLogger(__name__)

Fetch = Callable[[], Awaitable[Any]]


@dataclass
class _Poller:
    key: Hashable
    fetch: Fetch
    interval_s: float
    watchers: set[asyncio.Queue[Any]] = field(default_factory=set)
    last: Any = None
    has_value: bool = False
    failing: bool = False
    task: asyncio.Future[None] | None = None
    polls: int = 0


class Coordinators:
    def __init__(self, tasks: BackgroundTasks) -> None:
        self._tasks = tasks
        self._pollers: dict[Hashable, _Poller] = {}

    def polling(self, key: Hashable) -> bool:
        return key in self._pollers

    def polls(self, key: Hashable) -> int:
        """How many times the poller of `key` has asked its vendor (0 when not running)."""
        poller = self._pollers.get(key)
        return poller.polls if poller is not None else 0

    async def watch(
        self, key: Hashable, fetch: Fetch, *, interval_s: float, max_queued: int = 16
    ) -> AsyncIterator[Any]:
        """Every new value of `key`, starting with the current one (once known)."""
        poller = self._pollers.get(key)
        if poller is None:
            poller = _Poller(key, fetch, interval_s)
            self._pollers[key] = poller
            poller.task = self._tasks.start(self._run(poller), name=f"poll {key!r}")
        queue: asyncio.Queue[Any] = asyncio.Queue(maxsize=max_queued)
        if poller.has_value:
            queue.put_nowait(poller.last)
        poller.watchers.add(queue)
        try:
            while True:
                yield await queue.get()
        finally:
            poller.watchers.discard(queue)
            if not poller.watchers and self._pollers.get(key) is poller:
                del self._pollers[key]
                if poller.task is not None:
                    poller.task.cancel()

    async def _run(self, poller: _Poller) -> None:
        while True:
            try:
                poller.polls += 1
                value = await poller.fetch()
            except VendorError as exc:
                if not poller.failing:
                    log.warning("poll of %r failing, keeping the last value: %s", poller.key, exc)
                    poller.failing = True
            else:
                if poller.failing:
                    log.info("poll of %r recovered", poller.key)
                    poller.failing = False
                if not poller.has_value or value != poller.last:
                    poller.last, poller.has_value = value, True
                    for queue in list(poller.watchers):
                        if queue.full():
                            queue.get_nowait()  # a slow watcher misses an old value, not the newest
                        queue.put_nowait(value)
            await asyncio.sleep(poller.interval_s)
