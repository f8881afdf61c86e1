"""`ButterflyMXCore`: what every resource object shares (transport, token, base URL) and
the request helpers on it: headers, JSON:API documents, page walking, v4 lists."""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Iterable, Mapping, Sequence
from datetime import datetime
from typing import Any, TypeVar

from yarl import URL

from concierge.connectors.butterflymx.config import MAX_PAGE_SIZE
from concierge.connectors.butterflymx.fields import VENDOR, protocol_error
from concierge.connectors.butterflymx.jsonapi import Document, Included, document, joined
from concierge.connectors.core import VendorCore
from concierge.connectors.http import VendorHTTP
from concierge.connectors.http import segment as http_segment
from concierge.connectors.pagination import Page, collect, walk
from concierge.connectors.slices import fanning_out, parse_each
from concierge.connectors.tokens import TokenManager

T = TypeVar("T")
Params = list[tuple[str, str]]
Parser = Callable[[Any, Included], T]
FilterValue = str | int | bool | Iterable[str | int] | None

JSONAPI = "application/vnd.api+json"
V3_READ = {"Accept": JSONAPI}
V3_WRITE = {"Accept": JSONAPI, "Content-Type": JSONAPI}
V4_HEADERS = {"Accept": "application/json", "Content-Type": "application/json"}
BATCH = 100  # filter values per request: keeps URLs short whatever a dataloader batches


def segment(value: str | int) -> str:
    """One path segment (see `connectors.http.segment`)."""
    return http_segment(value, vendor=VENDOR)


def list_query(
    filters: Mapping[str, FilterValue] | None = None,
    *,
    sort: str | Sequence[str] | None = None,
    include: Iterable[str] = (),
) -> Params:
    """`filter[...]`, `sort` and `include` parameters; None filters are left out."""
    params: Params = []
    for name, value in (filters or {}).items():
        if value is None:
            continue
        if isinstance(value, bool):
            params.append((f"filter[{name}]", "true" if value else "false"))
        elif isinstance(value, str | int):
            params.append((f"filter[{name}]", str(value)))
        else:
            params.append((f"filter[{name}]", joined(value)))
    if sort:
        params.append(("sort", sort if isinstance(sort, str) else ",".join(sort)))
    included = sorted(set(include))
    if included:
        params.append(("include", ",".join(included)))
    return params


def _page_number(url: str | None) -> int | None:
    """`page[number]` of a pagination link, or None."""
    if url is None:
        return None
    raw = URL(url).query.get("page[number]")
    return int(raw) if raw is not None and raw.isdigit() else None


def id_list(values: Iterable[str | int] | None) -> list[str] | None:
    """Distinct ids as strings, in order; None stays None (no filter)."""
    return None if values is None else list(dict.fromkeys(str(v) for v in values))


def chunks(values: Iterable[str | int], size: int = BATCH) -> list[list[str]]:
    unique = id_list(values) or []
    return [unique[i : i + size] for i in range(0, len(unique), size)]


FAN_OUT = 8  # concurrent page requests in one listing


class ButterflyMXCore(VendorCore):
    """One account's transport, token source and API base URL, shared by its resources."""

    def __init__(
        self,
        http: VendorHTTP,
        tokens: TokenManager,
        api_url: str,
        *,
        page_size: int = MAX_PAGE_SIZE,
    ) -> None:
        super().__init__(http, tokens, api_url, headers=V3_READ)
        self.page_size = page_size

    async def document(
        self,
        method: str,
        path: str,
        *,
        params: Params | None = None,
        json_body: Any = None,
        idempotent: bool | None = None,
    ) -> Document:
        headers = V3_READ if json_body is None else V3_WRITE
        response = await self.send(
            method, path, params=params, json_body=json_body, headers=headers, idempotent=idempotent
        )
        return document(response.body)

    async def one(self, path: str, parse: Parser[T], params: Params | None = None) -> T:
        doc = await self.document("GET", path, params=params)
        return parse(doc.data, doc.included)

    async def write(
        self, method: str, path: str, body: Any, parse: Parser[T], *, idempotent: bool = False
    ) -> T:
        doc = await self.document(method, path, json_body=body, idempotent=idempotent)
        return parse(doc.data, doc.included)

    async def no_content(
        self, method: str, path: str, body: Any = None, *, idempotent: bool | None = None
    ) -> None:
        """A write answered with 204. DELETEs are not retried blind either: a repeat
        after a lost answer would turn a done deletion into a 404."""
        headers = V3_READ if body is None else V3_WRITE
        await self.send(method, path, json_body=body, headers=headers, idempotent=idempotent)

    async def all(self, path: str, parse: Parser[T], params: Params) -> list[T]:
        """Every item of a v3 collection. After the first page, `links.last` tells how many
        pages remain, so they go out together (at most `FAN_OUT` at a time) instead of one
        round trip each; without `links.last` the walk follows `links.next`."""
        size = ("page[size]", str(self.page_size))
        first = await self.document("GET", path, params=[*params, size])
        last = _page_number(first.last_url) if first.next_url is not None else None
        semaphore = asyncio.Semaphore(FAN_OUT)

        async def page(number: int) -> list[T]:
            async with semaphore:
                query = [*params, ("page[number]", str(number)), size]
                doc = await self.document("GET", path, params=query)
            return await parse_each(doc.items(), lambda raw, _: parse(raw, doc.included))

        # The other pages are requested before page 1 is parsed: parsing is CPU, not I/O.
        if last:
            fanning_out()
        rest = asyncio.gather(*(page(n) for n in range(2, last + 1))) if last else None
        try:
            items = await parse_each(first.items(), lambda raw, _: parse(raw, first.included))
        except BaseException:
            if rest is not None:
                rest.cancel()
            raise
        if rest is not None:
            for found in await rest:
                items += found
        elif first.next_url is not None:
            return await self.walk_from(path, parse, items, first.next_url)
        return items

    async def walk_from(
        self, path: str, parse: Parser[T], first_items: list[T], next_url: str
    ) -> list[T]:
        """Follow `links.next` from the first page (already fetched) to the end."""

        async def fetch(cursor: str | None) -> Page[T, str]:
            if cursor is None:
                return Page(first_items, next_url)
            doc = await self.document("GET", path, params=list(URL(cursor).query.items()))
            return Page([parse(raw, doc.included) for raw in doc.items()], doc.next_url)

        return await collect(fetch, vendor=VENDOR)

    async def all_batched(
        self,
        path: str,
        parse: Parser[T],
        params: Params,
        name: str,
        values: Iterable[str | int] | None,
    ) -> list[T]:
        """A listing filtered on `filter[name]` = any of `values` (None: no filter)."""
        if values is None:
            return await self.all(path, parse, params)
        found: list[T] = []
        for chunk in chunks(values):
            found += await self.all(path, parse, [*params, (f"filter[{name}]", joined(chunk))])
        return found

    async def created_since(
        self,
        path: str,
        parse: Parser[T],
        params: Params,
        since: datetime,
        created_at: Callable[[T], datetime],
    ) -> list[T]:
        """Items of a v3 collection created at or after `since`, oldest first.

        The lists take no time filter, so this walks `sort=-created_at` one page at a time
        and stops at the first older item. `since` is inclusive (timestamps have whole
        seconds): a consumer de-duplicates by id.
        """
        size = ("page[size]", str(self.page_size))
        first = [*params, ("sort", "-created_at"), size]

        async def fetch(cursor: str | None) -> Page[T, str]:
            query = first if cursor is None else list(URL(cursor).query.items())
            doc = await self.document("GET", path, params=query)
            items = [parse(raw, doc.included) for raw in doc.items()]
            older = any(created_at(item) < since for item in items)
            return Page(items, None if older else doc.next_url)

        newer = [item async for item in walk(fetch, vendor=VENDOR) if created_at(item) >= since]
        # Stable: records of the same second keep the vendor's (creation) order.
        return sorted(reversed(newer), key=created_at)

    async def v4_list(self, path: str, parse: Callable[[Any, str], T], params: Params) -> list[T]:
        response = await self.send("GET", path, params=params, headers=V4_HEADERS)
        body = response.body
        if not isinstance(body, dict) or not isinstance(body.get("data"), list):
            raise protocol_error(f"GET {path}", "expected {'data': [...]}")
        return await parse_each(body["data"], lambda raw, i: parse(raw, f"{path}.data[{i}]"))

    async def by_building(
        self,
        path: str,
        parse: Callable[[Any, str], T],
        building_ids: Iterable[str | int] | None,
        extra: Params | None = None,
    ) -> list[T]:
        """A v4 list for some buildings. v4 lists are not paginated and take one value per
        Ransack predicate (`q[building_id_eq]`): one request per building, sent together."""
        buildings = id_list(building_ids)
        if buildings is None:
            return await self.v4_list(path, parse, list(extra or []))
        lists = await asyncio.gather(
            *(
                self.v4_list(path, parse, [("q[building_id_eq]", b), *(extra or [])])
                for b in buildings
            )
        )
        return [item for found in lists for item in found]


class Resource:
    """A group of calls on one kind of vendor resource, on the account's shared core."""

    def __init__(self, core: ButterflyMXCore) -> None:
        self._core = core
