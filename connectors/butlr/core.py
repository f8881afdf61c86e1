"""`ButlrCore`, what every resource object shares (transport, token, base URL), and the
request layer on it: URLs, cursor walks, batched fan-out.

Every list is `{"data": [...], "next": cursor, "prev": cursor}`; the next page is
`?cursor=<next>` and `""` means the end. We always ask for `?limit=100` (the sandbox's
maximum; the reference names no page size) so a walk takes the fewest requests.

Retries (decision; the reference says nothing on idempotency): GETs, PUT/PATCH updates
that set fixed values, and the v3 reporting and detections queries (POSTs that only
read) are retried on transient failures; creates and deletes never are, except when the
connection could not even be opened.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncGenerator, Awaitable, Callable, Iterable, Sequence
from datetime import timedelta
from functools import partial
from typing import Any, TypeVar

from concierge.connectors.butlr.config import (
    DEFAULT_FAN_OUT,
    DEFAULT_OCCUPANCY_LOOKBACK,
    MAX_PAGE_SIZE,
    VENDOR,
)
from concierge.connectors.butlr.fields import Fields, protocol_error
from concierge.connectors.core import VendorCore
from concierge.connectors.http import VendorHTTP
from concierge.connectors.http import segment as http_segment
from concierge.connectors.pagination import Page, walk
from concierge.connectors.slices import parse_each
from concierge.connectors.tokens import TokenManager

T = TypeVar("T")
Parser = Callable[[object, str], T]
Params = list[tuple[str, str]]


def segment(value: str) -> str:
    """One path segment (see `connectors.http.segment`)."""
    return http_segment(value, vendor=VENDOR)


def unique(values: Iterable[str]) -> list[str]:
    return list(dict.fromkeys(values))


async def fan_out(calls: Sequence[Callable[[], Awaitable[T]]], limit: int) -> list[T]:
    """Run `calls` at most `limit` at a time; results in call order.

    The first failure cancels the rest and is raised as itself (callers expect one
    `VendorError`, not an `ExceptionGroup`).
    """
    gate = asyncio.Semaphore(limit)

    async def one(call: Callable[[], Awaitable[T]]) -> T:
        async with gate:
            return await call()

    try:
        async with asyncio.TaskGroup() as group:
            tasks = [group.create_task(one(call)) for call in calls]
    except BaseExceptionGroup as failures:
        first = failures.exceptions[0]
        raise first  # noqa: B904 - re-raised as itself; its own cause chain is kept
    return [task.result() for task in tasks]


class ButlrCore(VendorCore):
    """One account's transport, token source and API base URL, shared by its resources."""

    def __init__(
        self,
        http: VendorHTTP,
        tokens: TokenManager,
        api_url: str,
        *,
        page_size: int = MAX_PAGE_SIZE,
        fan_out: int = DEFAULT_FAN_OUT,
        occupancy_lookback: timedelta = DEFAULT_OCCUPANCY_LOOKBACK,
    ) -> None:
        super().__init__(http, tokens, api_url)
        self.page_size = page_size
        self.fan_out = fan_out
        self.occupancy_lookback = occupancy_lookback

    async def one(
        self,
        method: str,
        path: str,
        parse: Parser[T],
        where: str,
        *,
        params: Params | None = None,
        json_body: Any = None,
        idempotent: bool | None = None,
    ) -> T:
        """A bare resource object (Butlr wraps single resources in no envelope)."""
        response = await self.send(
            method, path, params=params, json_body=json_body, idempotent=idempotent
        )
        return parse(response.body, where)

    async def walk(
        self, path: str, parse: Parser[T], where: str, params: Params | None = None
    ) -> AsyncGenerator[T, None]:
        """Every item of a list, following `next` until it is empty."""
        fixed = [*(params or []), ("limit", str(self.page_size))]
        seen = 0

        async def fetch(cursor: str | None) -> Page[T, str]:
            nonlocal seen
            query = fixed if cursor is None else [*fixed, ("cursor", cursor)]
            response = await self.send("GET", path, params=query)
            envelope = Fields(response.body, where)
            raw = envelope.data.get("data")
            if not isinstance(raw, list):
                raise protocol_error(where, "field 'data' should be a list")
            items = await parse_each(raw, lambda item, i: parse(item, f"{where}[{seen + i}]"))
            seen += len(items)
            # Reference: the List Sensors sample has no `next`; absent reads as the end.
            next_cursor = envelope.opt_text("next")
            return Page(items, next_cursor if raw else None)

        async for item in walk(fetch, vendor=VENDOR):
            yield item

    async def all(
        self, path: str, parse: Parser[T], where: str, params: Params | None = None
    ) -> list[T]:
        return [item async for item in self.walk(path, parse, where, params)]

    async def per_space(
        self, space_ids: Iterable[str], fetch: Callable[[str], Awaitable[list[T]]]
    ) -> list[T]:
        """One list per space, fetched `fan_out` at a time, concatenated in `space_ids` order."""
        calls = [partial(fetch, space_id) for space_id in unique(space_ids)]
        return [item for items in await fan_out(calls, self.fan_out) for item in items]


def details_param(details: bool) -> Params:
    return [("details", "true")] if details else []


class Resource:
    """A group of calls on one kind of vendor resource, on the account's shared core."""

    def __init__(self, core: ButlrCore) -> None:
        self._core = core
