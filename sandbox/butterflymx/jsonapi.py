"""JSON:API plumbing for v3: list queries (page, sort, filter, include), links, bodies."""

from __future__ import annotations

import json
import math
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal, TypeVar
from urllib.parse import quote

import orjson
from aiohttp import web

from concierge.sandbox.butterflymx.errors import (
    JSONAPI_CONTENT_TYPE,
    JSONAPI_TYPE,
    JsonApiError,
    parameter_error,
    validation_error,
)

T = TypeVar("T")
Resource = dict[str, Any]

DEFAULT_PAGE_SIZE = 20
# Reference silent on a maximum page size: we allow up to 100 and answer 400 above it.
MAX_PAGE_SIZE = 100


@dataclass(frozen=True)
class Filter:
    """One filterable field: how to parse the query value and read the record's value."""

    kind: Literal["int", "str", "bool", "enum"]
    value: Callable[[Any], object]
    choices: tuple[str, ...] = ()


@dataclass(frozen=True)
class ListSpec:
    """What a collection endpoint lets clients sort, filter and include."""

    resource: str
    sortable: Mapping[str, Callable[[Any], Any]] = field(default_factory=dict)
    filterable: Mapping[str, Filter] = field(default_factory=dict)
    includable: frozenset[str] = frozenset()
    bare_filters: Mapping[str, str] = field(default_factory=dict)  # `unit_id` -> `unit`


@dataclass
class ListQuery:
    number: int
    size: int
    sort: list[tuple[str, bool]]  # (field, descending)
    filters: dict[str, list[object]]
    include: set[str]


def parse_include(request: web.Request, allowed: frozenset[str], resource: str) -> set[str]:
    raw = request.query.get("include", "")
    paths = {p.strip() for p in raw.split(",") if p.strip()}
    for path in sorted(paths):
        if path not in allowed:
            raise parameter_error("include", f"{path} is not a valid relationship of {resource}")
    return paths


def parse_list_query(request: web.Request, spec: ListSpec) -> ListQuery:
    number = _page_param(request, "page[number]", DEFAULT_PAGE_NUMBER, None)
    size = _page_param(request, "page[size]", DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE)
    sort: list[tuple[str, bool]] = []
    for term in (t.strip() for t in request.query.get("sort", "").split(",")):
        if not term:
            continue
        name = term.removeprefix("-")
        if name not in spec.sortable:
            raise parameter_error(
                "sort", f"{name} is not a valid sort criteria for {spec.resource}"
            )
        sort.append((name, term.startswith("-")))
    filters: dict[str, list[list[object]]] = {}
    for key, raw in request.query.items():
        if key.startswith("filter[") and key.endswith("]"):
            name = key[len("filter[") : -1]
            if name not in spec.filterable:
                raise parameter_error(key, f"{name} is not a filterable field of {spec.resource}")
        elif key in spec.bare_filters:
            name = spec.bare_filters[key]
        else:
            continue  # like Rails, other bare parameters are ignored
        filters.setdefault(name, []).append(_filter_values(key, raw, spec.filterable[name]))
    return ListQuery(
        number, size, sort, _and(filters), parse_include(request, spec.includable, spec.resource)
    )


DEFAULT_PAGE_NUMBER = 1


def _page_param(request: web.Request, key: str, default: int, maximum: int | None) -> int:
    raw = request.query.get(key)
    if raw is None:
        return default
    try:
        value = int(raw)
    except ValueError:
        value = 0
    if value < 1 or (maximum is not None and value > maximum):
        bound = f" between 1 and {maximum}" if maximum is not None else " of at least 1"
        raise parameter_error(key, f"{raw} is not a valid value; use an integer{bound}")
    return value


def _filter_values(key: str, raw: str, spec: Filter) -> list[object]:
    values: list[object] = []
    for part in raw.split(","):
        text = part.strip()
        if spec.kind == "int":
            try:
                values.append(int(text))
            except ValueError:
                raise parameter_error(key, f"{text} is not a valid integer") from None
        elif spec.kind == "bool":
            if text.lower() not in ("true", "false", "1", "0"):
                raise parameter_error(key, f"{text} is not a valid boolean")
            values.append(text.lower() in ("true", "1"))
        elif spec.kind == "enum":
            if text not in spec.choices:
                raise parameter_error(
                    key, f"{text} is not a valid value; allowed: {', '.join(spec.choices)}"
                )
            values.append(text)
        else:
            values.append(text)
    return values


def _and(filters: dict[str, list[list[object]]]) -> dict[str, list[object]]:
    """Several parameters for one field (`filter[unit]` and `unit_id`) must all match."""
    combined: dict[str, list[object]] = {}
    for name, groups in filters.items():
        allowed: set[object] | None = None
        for group in groups:
            allowed = set(group) if allowed is None else allowed & set(group)
        combined[name] = sorted(allowed or set(), key=str)
    return combined


def apply(records: Iterable[T], query: ListQuery, spec: ListSpec) -> list[T]:
    """Filter, then sort: newest id first by default (as every reference example lists)."""
    rows = [
        r
        for r in records
        if all(spec.filterable[name].value(r) in wanted for name, wanted in query.filters.items())
    ]
    # Reference silent on the default order: every example lists newest id first.
    rows.sort(key=lambda r: getattr(r, "id", 0), reverse=True)
    for name, descending in reversed(query.sort):
        rows.sort(key=_sorter(spec.sortable[name]), reverse=descending)
    return rows


def _sorter(key: Callable[[Any], Any]) -> Callable[[Any], tuple[bool, Any]]:
    """Sort key that keeps None values together instead of failing to compare them."""
    return lambda record: (key(record) is None, key(record) if key(record) is not None else 0)


def paginate(
    request: web.Request, rows: Sequence[T], query: ListQuery
) -> tuple[list[T], dict[str, str | None]]:
    last = max(1, math.ceil(len(rows) / query.size))
    start = (query.number - 1) * query.size
    page = list(rows[start : start + query.size])
    number = query.number
    # Reference silent beyond the last page: empty data, `prev` points at the last page.
    prev_page = min(number - 1, last) if number > 1 else None
    links: dict[str, str | None] = {
        "self": page_url(request, number, query.size),
        "first": page_url(request, 1, query.size),
        "prev": page_url(request, prev_page, query.size) if prev_page else None,
        "next": page_url(request, number + 1, query.size) if number < last else None,
        "last": page_url(request, last, query.size),
    }
    return page, links


def page_url(request: web.Request, number: int, size: int) -> str:
    """Absolute, URL-encoded, keys sorted as Rails' `to_query` does; host from the request."""
    params = [(k, v) for k, v in request.query.items() if k not in ("page[number]", "page[size]")]
    params += [("page[number]", str(number)), ("page[size]", str(size))]
    params.sort(key=lambda kv: kv[0])
    query = "&".join(f"{quote(k, safe='')}={quote(v, safe='')}" for k, v in params)
    return f"{request.url.with_query(None)}?{query}"


class Included:
    """The `included` array: each (type, id) once, in first-seen order."""

    def __init__(self) -> None:
        self._items: dict[tuple[str, str], Resource] = {}

    def add(self, resource: Resource) -> None:
        self._items.setdefault((resource["type"], resource["id"]), resource)

    def items(self) -> list[Resource]:
        return list(self._items.values())


def respond(
    data: Resource | list[Resource] | None,
    *,
    included: Included | None = None,
    links: dict[str, str | None] | None = None,
    status: int = 200,
) -> web.Response:
    document: dict[str, Any] = {"data": data}
    if included is not None:
        document["included"] = included.items()
    if links is not None:
        document["links"] = links
    return web.Response(
        status=status,
        body=orjson.dumps(document),
        headers={"Content-Type": JSONAPI_CONTENT_TYPE},
    )


def no_content() -> web.Response:
    return web.Response(status=204)


async def read_json(
    request: web.Request, *, allowed: tuple[str, ...] = (JSONAPI_TYPE, "application/json")
) -> Any:
    # Reference silent on other media types: 415 (its examples mix vnd.api+json and json).
    if request.content_type not in allowed:
        raise JsonApiError(
            415,
            [
                {
                    "title": "Unsupported Media Type",
                    "detail": f"Content-Type must be one of {', '.join(allowed)}",
                }
            ],
        )
    raw = await request.read()
    try:
        return json.loads(raw)
    except (ValueError, UnicodeDecodeError) as exc:
        raise JsonApiError(
            400, [{"title": "Bad Request", "detail": f"The request body is not valid JSON: {exc}"}]
        ) from exc


async def read_data(request: web.Request) -> dict[str, Any]:
    """The `data` member of a JSON:API request document."""
    document = await read_json(request)
    data = document.get("data") if isinstance(document, dict) else None
    if not isinstance(data, dict):
        raise validation_error([("/data", "can't be blank")])
    attributes = data.get("attributes", {})
    if attributes is None:
        data["attributes"] = {}
    elif not isinstance(attributes, dict):
        raise validation_error([("/data/attributes", "must be an object")])
    return data


def relationship_id(data: dict[str, Any], *names: str) -> tuple[str, object] | None:
    """The first of `names` present in `relationships` (types/ids as loose as the examples)."""
    relationships = data.get("relationships") or {}
    if not isinstance(relationships, dict):
        raise validation_error([("/data/relationships", "must be an object")])
    for name in names:
        linkage = relationships.get(name)
        if isinstance(linkage, dict) and isinstance(linkage.get("data"), dict):
            return name, linkage["data"].get("id")
    return None
