"""`RemoteLockCore`, what every resource object shares (transport, token, base URL), and
the request layer on it: headers, bodies, pages and id batches.

RemoteLock requests are `{"type", "attributes"}` (no JSON:API `data` wrapper) and answers
are `{"data", "meta", "links"}`. Collections page with `page`/`per_page` and say how far
to go in `meta.total_pages`; filters are `id[]=`, `type[]=` and `attributes[name][]=`.

Retries (decision; the reference says nothing on idempotency): GETs, PUTs that set fixed
values and DELETEs are retried on transient failures; creates, emails, PIN generation and
lock/unlock commands never are, except when the connection could not even be opened.
"""

from __future__ import annotations

import asyncio
import enum
import logging
from collections.abc import AsyncGenerator, Callable, Iterable, Mapping, Sequence
from datetime import datetime, time
from typing import Any, Final, TypeVar

from concierge.connectors.core import VendorCore
from concierge.connectors.http import VendorHTTP
from concierge.connectors.http import segment as http_segment
from concierge.connectors.pagination import Page, walk
from concierge.connectors.remotelock.config import DEFAULT_MEDIA_TYPE, VENDOR
from concierge.connectors.remotelock.fields import Fields, protocol_error
from concierge.connectors.slices import fanning_out, parse_each
from concierge.connectors.tokens import TokenManager

log = logging.getLogger(__name__)

T = TypeVar("T")
Parser = Callable[[object, str], T]
Query = list[tuple[str, str]]

PER_PAGE = 50  # the documented maximum: fewest requests for a walk
MAX_REACHABLE = 10_000  # documented: page * per_page must not pass it
PAGE_FAN_OUT = 4  # concurrent page requests in one listing
# Decision: id lists go out in chunks of one page (50 UUIDs, about 2.3 kB of query string).
ID_CHUNK = PER_PAGE


class Unset(enum.Enum):
    """Marks an update argument that was not given (None means "clear it")."""

    UNSET = "UNSET"


UNSET: Final = Unset.UNSET


def given(**values: Any) -> dict[str, Any]:
    """The attributes that were passed, without the UNSET ones."""
    return {name: value for name, value in values.items() if value is not UNSET}


def body(attributes: Mapping[str, Any], kind: str | None = None) -> dict[str, Any]:
    sent: dict[str, Any] = {"attributes": dict(attributes)}
    if kind is not None:
        sent["type"] = kind
    return sent


def wall_time(value: datetime, name: str) -> str:
    """A guest's start or end as the zone-less local time the vendor expects."""
    if value.tzinfo is not None:
        # Decision: the vendor silently drops a zone; refuse an aware datetime rather than
        # let a UTC time be read as the location's wall clock.
        raise ValueError(f"{name} must be the location's wall-clock time, without a time zone")
    return value.strftime("%Y-%m-%dT%H:%M:%S")


def time_of_day(value: time | None) -> str | None:
    return None if value is None else value.strftime("%H:%M:%S")


def query(
    *,
    types: Sequence[str] | None = None,
    sort: str | Sequence[str] | None = None,
    filters: Mapping[str, Sequence[str] | str | None] | None = None,
) -> Query:
    """`type[]`, `sort` and `attributes[name][]` query parameters."""
    params: Query = [("type[]", kind) for kind in types or ()]
    if isinstance(sort, str):
        params.append(("sort", sort))
    elif sort:
        params += [("sort[]", key) for key in sort]
    for name, values in (filters or {}).items():
        if values is None:
            continue
        if isinstance(values, str):
            params.append((f"attributes[{name}]", values))
        else:
            params += [(f"attributes[{name}][]", value) for value in values]
    return params


def segment(value: str) -> str:
    """One path segment (see `connectors.http.segment`)."""
    return http_segment(value, vendor=VENDOR)


def page_meta(body: Fields) -> tuple[int, int]:
    """(page, total_pages) from a collection's `meta`."""
    meta = body.nested("meta")
    return meta.integer("page"), meta.integer("total_pages")


def _unique(ids: Iterable[str]) -> list[str]:
    return list(dict.fromkeys(ids))


class RemoteLockCore(VendorCore):
    """One account's transport, token source and API base URL, shared by its resources."""

    def __init__(
        self,
        http: VendorHTTP,
        tokens: TokenManager,
        api_url: str,
        *,
        media_type: str = DEFAULT_MEDIA_TYPE,
    ) -> None:
        super().__init__(http, tokens, api_url, headers={"Accept": media_type})

    async def one(
        self,
        method: str,
        path: str,
        parse: Parser[T],
        where: str,
        *,
        json_body: Any = None,
        idempotent: bool | None = None,
    ) -> T:
        """A single resource from `{"data": {...}}`."""
        response = await self.send(method, path, json_body=json_body, idempotent=idempotent)
        envelope = Fields(response.body, where)
        if not envelope.has("data"):
            raise protocol_error(where, "missing field 'data'")
        return parse(envelope.data["data"], f"{where}.data")

    async def nothing(
        self, method: str, path: str, *, json_body: Any = None, idempotent: bool | None = None
    ) -> None:
        """A call answered with no body we need (204 deletes, 200 email notify)."""
        await self.send(method, path, json_body=json_body, idempotent=idempotent)

    async def page(
        self, path: str, parse: Parser[T], where: str, fixed: Query, number: int
    ) -> tuple[list[T], int]:
        """One page of a collection and the collection's `meta.total_pages`."""
        paged = [*fixed, ("page", str(number)), ("per_page", str(PER_PAGE))]
        response = await self.send("GET", path, params=paged)
        envelope = Fields(response.body, where)
        raw = envelope.data.get("data")
        if not isinstance(raw, list):
            raise protocol_error(where, "field 'data' should be a list")
        first = (number - 1) * PER_PAGE
        items = await parse_each(raw, lambda item, i: parse(item, f"{where}[{first + i}]"))
        _, total_pages = page_meta(envelope)
        return items, total_pages

    async def walk(
        self, path: str, parse: Parser[T], where: str, params: Query | None = None
    ) -> AsyncGenerator[T, None]:
        """Every item of a collection, a page of 50 at a time, up to `meta.total_pages`."""
        fixed = list(params or [])

        async def fetch(page: int | None) -> Page[T, int]:
            number = page or 1
            items, total_pages = await self.page(path, parse, where, fixed, number)
            if number >= total_pages or not items:
                # An empty page before the end means the collection shrank while we walked.
                return Page(items, None)
            if (number + 1) * PER_PAGE > MAX_REACHABLE:
                log.warning("%s %s: stopped at the vendor's 10,000-item paging cap", VENDOR, path)
                return Page(items, None)
            return Page(items, number + 1)

        async for item in walk(fetch, vendor=VENDOR):
            yield item

    async def gathered(
        self, path: str, parse: Parser[T], where: str, params: Query | None = None
    ) -> list[T]:
        """The whole collection: page 1 names `total_pages`, so the rest go out together
        (a few at a time; the client-side limiter still keeps us under 120 a minute)."""
        fixed = list(params or [])
        items, total_pages = await self.page(path, parse, where, fixed, 1)
        last = min(total_pages, MAX_REACHABLE // PER_PAGE)
        if last < total_pages:
            log.warning("%s %s: stopped at the vendor's 10,000-item paging cap", VENDOR, path)
        if last <= 1 or not items:
            return items
        semaphore = asyncio.Semaphore(PAGE_FAN_OUT)

        async def page(number: int) -> list[T]:
            async with semaphore:
                found, _ = await self.page(path, parse, where, fixed, number)
                return found

        fanning_out()
        for rest in await asyncio.gather(*(page(n) for n in range(2, last + 1))):
            items += rest
        return items

    async def all(
        self,
        path: str,
        parse: Parser[T],
        where: str,
        params: Query | None = None,
        *,
        ids: Iterable[str] | None = None,
    ) -> list[T]:
        """The whole collection, or only `ids` (sent as `id[]`, a page's worth at a time)."""
        if ids is None:
            return await self.gathered(path, parse, where, params)
        wanted = _unique(ids)
        found: list[T] = []
        # Chunks go one after another: the account's 120 a minute is the scarce resource,
        # and nearly every dataloader batch fits one chunk anyway.
        for start in range(0, len(wanted), ID_CHUNK):
            chunk = [("id[]", ident) for ident in wanted[start : start + ID_CHUNK]]
            found += await self.gathered(path, parse, where, [*chunk, *(params or [])])
        return found


class Resource:
    """A group of calls on one kind of vendor resource, on the account's shared core."""

    def __init__(self, core: RemoteLockCore) -> None:
        self._core = core
