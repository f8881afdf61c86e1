"""Parsing long vendor lists without holding the event loop.

Turning a few hundred records into models is milliseconds of CPU. Done in one go, it
delays everything else the process is doing at that moment: other clients' requests,
and this request's own next vendor calls (the remaining pages of a listing, whose
answers are what it is waiting for). Parsing in slices lets them go out in between.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Sequence
from typing import Any, TypeVar

T = TypeVar("T")

SLICE = 50  # records between yields: well under a millisecond of parsing


async def parse_each(items: Sequence[Any], parse: Callable[[Any, int], T]) -> list[T]:
    """`[parse(item, index) ...]`, yielding to the event loop between slices."""
    parsed: list[T] = []
    for start in range(0, len(items), SLICE):
        if start:
            await asyncio.sleep(0)
        parsed += [parse(item, start + i) for i, item in enumerate(items[start : start + SLICE])]
    return parsed
