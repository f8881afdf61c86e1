"""Parsing long vendor lists without holding the event loop.

Turning a few hundred records into models is milliseconds of CPU. Done in one go, it
delays everything else the process is doing at that moment: other clients' requests,
and this request's own next vendor calls (the remaining pages of a listing, whose
answers are what it is waiting for). Parsing in slices lets them go out in between,
and when a listing fans out its remaining pages, parsing elsewhere holds back for a few
milliseconds: those requests need new connections, and each step of opening one waits
for whatever the loop runs before it.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Sequence
from typing import Any, TypeVar
from weakref import WeakKeyDictionary

T = TypeVar("T")

SLICE = 50  # records between yields: well under a millisecond of parsing
HEAD_START_S = 0.003  # how long parsing waits for a fan-out's requests to go out

_fanout_until: WeakKeyDictionary[asyncio.AbstractEventLoop, float] = WeakKeyDictionary()


def fanning_out() -> None:
    """A listing is sending its remaining pages now: parsing elsewhere waits a moment,
    so the new connections those requests need are not queued behind it."""
    loop = asyncio.get_running_loop()
    _fanout_until[loop] = loop.time() + HEAD_START_S


async def parse_each(items: Sequence[Any], parse: Callable[[Any, int], T]) -> list[T]:
    """`[parse(item, index) ...]`, yielding to the event loop between slices."""
    parsed: list[T] = []
    loop = asyncio.get_running_loop()
    for start in range(0, len(items), SLICE):
        wait = _fanout_until.get(loop, 0.0) - loop.time()
        if wait > 0:
            await asyncio.sleep(wait)
        elif start:
            await asyncio.sleep(0)
        parsed += [parse(item, start + i) for i, item in enumerate(items[start : start + SLICE])]
    return parsed
