"""Work started now for whoever needs its result later (a prefetch, a token renewal)."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable
from typing import Any, TypeVar

T = TypeVar("T")


def run_in_background(running: set[Any], awaitable: Awaitable[T]) -> asyncio.Future[T]:
    """Start `awaitable`, kept in `running` until it ends. Its failure is not reported
    here: whoever awaits the same loader, cache entry or token reports it."""
    future = asyncio.ensure_future(awaitable)
    running.add(future)
    future.add_done_callback(running.discard)
    future.add_done_callback(_retrieve)
    return future


def _retrieve(future: asyncio.Future[Any]) -> None:
    if not future.cancelled():
        future.exception()  # retrieved, so asyncio does not log it as never awaited
