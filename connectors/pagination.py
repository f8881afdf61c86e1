"""One pagination walker for the three vendors' schemes.

Each vendor client supplies `fetch(cursor) -> Page`: ButterflyMX's cursor is the
JSON:API `links.next` URL, RemoteLock's the next `page` number (from `meta.total_pages`),
Butlr's the opaque `next` string. The walker stops when a page has no next cursor, and
treats a cursor that repeats as a vendor bug (`VendorProtocolError`) instead of looping.
"""

from __future__ import annotations

from collections.abc import AsyncGenerator, Awaitable, Callable, Hashable
from dataclasses import dataclass
from typing import Generic, TypeVar

from concierge.connectors.errors import VendorProtocolError

T = TypeVar("T")
C = TypeVar("C", bound=Hashable)


@dataclass(frozen=True)
class Page(Generic[T, C]):
    items: list[T]
    next: C | None  # None: this was the last page


async def walk(
    fetch: Callable[[C | None], Awaitable[Page[T, C]]],
    *,
    vendor: str,
    max_pages: int = 10_000,
) -> AsyncGenerator[T, None]:
    """Yield every item of every page, in order, fetching one page at a time."""
    seen: set[C] = set()
    cursor: C | None = None
    for _ in range(max_pages):
        page = await fetch(cursor)
        for item in page.items:
            yield item
        if page.next is None:
            return
        if page.next in seen:
            raise VendorProtocolError(f"pagination cursor {page.next!r} repeated", vendor=vendor)
        seen.add(page.next)
        cursor = page.next
    raise VendorProtocolError(f"more than {max_pages} pages", vendor=vendor)


async def collect(
    fetch: Callable[[C | None], Awaitable[Page[T, C]]], *, vendor: str, max_pages: int = 10_000
) -> list[T]:
    return [item async for item in walk(fetch, vendor=vendor, max_pages=max_pages)]
