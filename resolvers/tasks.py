"""The server's background work in one task group, owned by the lifespan.

Everything that outlives the call that started it goes here: prefetches a request
starts for fields that will need them, token renewals, and (as they land) pollers,
webhook reconciliation and bus listeners. Tasks are independent (one failing cancels no
other, unlike `asyncio.TaskGroup`); a failure is not reported here but by whoever awaits
the same loader, cache entry or token. `close()` cancels and awaits them all.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Coroutine
from typing import Any, TypeVar

T = TypeVar("T")
log = logging.getLogger(__name__)


class BackgroundTasks:
    def __init__(self) -> None:
        self._running: set[asyncio.Future[Any]] = set()
        self._closed = False

    def start(self, awaitable: Awaitable[T], *, name: str | None = None) -> asyncio.Future[T]:
        """Run `awaitable` until it ends or the group closes."""
        if self._closed:
            if isinstance(awaitable, Coroutine):
                awaitable.close()  # never started: no "was never awaited" warning
            raise RuntimeError("the server is stopping: no new background work")
        future = asyncio.ensure_future(awaitable)
        if name is not None and isinstance(future, asyncio.Task):
            future.set_name(name)
        self._running.add(future)
        future.add_done_callback(self._done)
        return future

    @property
    def closed(self) -> bool:
        return self._closed

    def __len__(self) -> int:
        return len(self._running)

    def _done(self, future: asyncio.Future[Any]) -> None:
        self._running.discard(future)
        if not future.cancelled():
            future.exception()  # retrieved: its awaiter reports it, asyncio need not

    async def close(self, grace_s: float = 5.0) -> None:
        """Cancel every task and wait (up to `grace_s`) for them to finish."""
        self._closed = True
        running = list(self._running)
        for future in running:
            future.cancel()
        if running:
            _, pending = await asyncio.wait(running, timeout=grace_s)
            for future in pending:
                log.warning("background task %r did not stop within %.0f s", future, grace_s)
