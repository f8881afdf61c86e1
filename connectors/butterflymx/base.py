"""What every ButterflyMX resource module shares: URLs, headers, documents, page walking."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Callable, Iterable, Mapping, Sequence
from typing import Any, TypeVar
from urllib.parse import quote

from yarl import URL

from connectors.butterflymx.auth import ButterflyMXAuth
from connectors.butterflymx.config import MAX_PAGE_SIZE
from connectors.butterflymx.fields import VENDOR, protocol_error
from connectors.butterflymx.jsonapi import Document, Included, document, joined
from connectors.http import Response, VendorHTTP
from connectors.pagination import Page, collect, walk
from connectors.slices import fanning_out, parse_each
from connectors.tokens import TokenManager

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
    """One path segment; an id can never add a path or a query to the URL."""
    return quote(str(value), safe="")


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


class ClientBase:
    vendor = VENDOR

    def __init__(
        self,
        http: VendorHTTP,
        tokens: TokenManager,
        api_url: str,
        *,
        auth: ButterflyMXAuth | None = None,
        page_size: int = MAX_PAGE_SIZE,
    ) -> None:
        self._http = http
        self._tokens = tokens
        self._api_url = api_url.rstrip("/")
        self._auth = auth
        self._page_size = page_size

    @property
    def tokens(self) -> TokenManager:
        return self._tokens

    async def _call(
        self,
        method: str,
        path: str,
        *,
        params: Params | None = None,
        json_body: Any = None,
        headers: Mapping[str, str] = V3_READ,
        idempotent: bool | None = None,
    ) -> Response:
        return await self._http.request(
            method,
            f"{self._api_url}{path}",
            params=params,
            json_body=json_body,
            headers=headers,
            tokens=self._tokens,
            idempotent=idempotent,
        )

    async def _document(
        self,
        method: str,
        path: str,
        *,
        params: Params | None = None,
        json_body: Any = None,
        idempotent: bool | None = None,
    ) -> Document:
        headers = V3_READ if json_body is None else V3_WRITE
        response = await self._call(
            method, path, params=params, json_body=json_body, headers=headers, idempotent=idempotent
        )
        return document(response.body)

    async def _one(self, path: str, parse: Parser[T], params: Params | None = None) -> T:
        doc = await self._document("GET", path, params=params)
        return parse(doc.data, doc.included)

    async def _write(
        self, method: str, path: str, body: Any, parse: Parser[T], *, idempotent: bool = False
    ) -> T:
        doc = await self._document(method, path, json_body=body, idempotent=idempotent)
        return parse(doc.data, doc.included)

    async def _no_content(
        self, method: str, path: str, body: Any = None, *, idempotent: bool | None = None
    ) -> None:
        """A write answered with 204. DELETEs are not retried blind either: a repeat
        after a lost answer would turn a done deletion into a 404."""
        headers = V3_READ if body is None else V3_WRITE
        await self._call(method, path, json_body=body, headers=headers, idempotent=idempotent)

    def _iter(self, path: str, parse: Parser[T], params: Params) -> AsyncIterator[T]:
        """Every item of a v3 collection, page by page (`links.next` until null)."""

        async def fetch(cursor: str | None) -> Page[T, str]:
            if cursor is None:
                query = [*params, ("page[size]", str(self._page_size))]
            else:
                # `links` are absolute and may name another host (the reference's point at
                # http://api.butterflymx.com): we keep only their query, so the bearer
                # token never goes anywhere but the configured API.
                query = list(URL(cursor).query.items())
            doc = await self._document("GET", path, params=query)
            return Page([parse(raw, doc.included) for raw in doc.items()], doc.next_url)

        return walk(fetch, vendor=VENDOR)

    async def _all(self, path: str, parse: Parser[T], params: Params) -> list[T]:
        """Every item of a v3 collection. After the first page, `links.last` tells how many
        pages remain, so they go out together (at most `FAN_OUT` at a time) instead of one
        round trip each; without `links.last` the walk follows `links.next`."""
        size = ("page[size]", str(self._page_size))
        first = await self._document("GET", path, params=[*params, size])
        last = _page_number(first.last_url) if first.next_url is not None else None
        semaphore = asyncio.Semaphore(FAN_OUT)

        async def page(number: int) -> list[T]:
            async with semaphore:
                query = [*params, ("page[number]", str(number)), size]
                doc = await self._document("GET", path, params=query)
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
            return await self._walk_from(path, parse, items, first.next_url)
        return items

    async def _walk_from(
        self, path: str, parse: Parser[T], first_items: list[T], next_url: str
    ) -> list[T]:
        """Follow `links.next` from the first page (already fetched) to the end."""

        async def fetch(cursor: str | None) -> Page[T, str]:
            if cursor is None:
                return Page(first_items, next_url)
            doc = await self._document("GET", path, params=list(URL(cursor).query.items()))
            return Page([parse(raw, doc.included) for raw in doc.items()], doc.next_url)

        return await collect(fetch, vendor=VENDOR)

    async def _all_batched(
        self,
        path: str,
        parse: Parser[T],
        params: Params,
        name: str,
        values: Iterable[str | int] | None,
    ) -> list[T]:
        """A listing filtered on `filter[name]` = any of `values` (None: no filter)."""
        if values is None:
            return await self._all(path, parse, params)
        found: list[T] = []
        for chunk in chunks(values):
            found += await self._all(path, parse, [*params, (f"filter[{name}]", joined(chunk))])
        return found

    async def _v4_list(self, path: str, parse: Callable[[Any, str], T], params: Params) -> list[T]:
        response = await self._call("GET", path, params=params, headers=V4_HEADERS)
        body = response.body
        if not isinstance(body, dict) or not isinstance(body.get("data"), list):
            raise protocol_error(f"GET {path}", "expected {'data': [...]}")
        return await parse_each(body["data"], lambda raw, i: parse(raw, f"{path}.data[{i}]"))
