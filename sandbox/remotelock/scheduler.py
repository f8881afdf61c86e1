"""Callbacks due at a moment of the sandbox clock (device confirmations, auto-lock, syncs)."""

from __future__ import annotations

import asyncio
import contextlib
import heapq
import itertools
from collections.abc import Callable

from concierge.sandbox.clock import Clock


class Scheduler:
    """Runs each callback once the sandbox clock reaches its due time; a clock advance wakes it."""

    def __init__(self, clock: Clock) -> None:
        self._clock = clock
        self._queue: list[tuple[float, int, Callable[[], None]]] = []
        self._order = itertools.count()
        self._wake = asyncio.Event()
        self._task: asyncio.Task[None] | None = None
        clock.on_advance(self._wake.set)

    def call_later(self, delay_s: float, callback: Callable[[], None]) -> None:
        heapq.heappush(self._queue, (self._clock.time() + delay_s, next(self._order), callback))
        self._wake.set()

    @property
    def pending(self) -> int:
        return len(self._queue)

    def run_due(self) -> int:
        """Run every callback that is due now; returns how many ran."""
        ran = 0
        while self._queue and self._queue[0][0] <= self._clock.time():
            _, _, callback = heapq.heappop(self._queue)
            callback()
            ran += 1
        return ran

    async def start(self) -> None:
        self._task = asyncio.create_task(self._run(), name="remotelock-scheduler")

    async def stop(self) -> None:
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
            self._task = None

    async def _run(self) -> None:
        while True:
            self.run_due()
            wait = self._queue[0][0] - self._clock.time() if self._queue else None
            self._wake.clear()
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._wake.wait(), timeout=wait)
