"""Collection queries: `page`/`per_page`, `sort`, `id[]`, `type[]` and `attributes[...]` filters."""

from __future__ import annotations

import math
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from aiohttp import web
from multidict import MultiMapping

from concierge.sandbox.remotelock.errors import bad_parameter, json_response

DEFAULT_PER_PAGE = 25
MAX_PER_PAGE = 50
MAX_REACHABLE = 10_000
_ATTRIBUTE_KEY = re.compile(r"^attributes\[([a-z_]+)\](\[\])?$")


@dataclass(frozen=True)
class CollectionSpec:
    """What one collection endpoint accepts, as its reference section lists it."""

    sortable: tuple[str, ...]
    default_sort: tuple[str, ...] = ()  # e.g. ("-occurred_at",); () keeps creation order
    types: tuple[str, ...] = ()
    filters: tuple[str, ...] = ()  # keys accepted in attributes[...]
    filter_values: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    default_filters: Mapping[str, tuple[str, ...]] = field(default_factory=dict)


def snake_case(name: str) -> str:
    """`ACS::Door` -> `acs_door`, `PowerPlug` -> `power_plug`; snake_case passes through."""
    name = name.replace("::", "")
    name = re.sub(r"([A-Z]+)([A-Z][a-z])", r"\1_\2", name)
    name = re.sub(r"([a-z\d])([A-Z])", r"\1_\2", name)
    return name.lower()


def _values(query: MultiMapping[str], name: str) -> list[str]:
    return [*query.getall(name, []), *query.getall(f"{name}[]", [])]


def _positive_int(query: MultiMapping[str], name: str, default: int) -> int:
    raw = query.get(name)
    if raw is None:
        return default
    if not raw.isdigit() or int(raw) < 1:
        raise bad_parameter(f"`{name}` must be a positive integer")
    return int(raw)


def _type_filter(values: list[str], spec: CollectionSpec) -> set[str]:
    wanted: set[str] = set()
    for value in values:
        name = snake_case(value)
        # Reference contradictory: type filters appear as class names (`ACS::Door`) and as
        # snake_case (`acs_door`), and event types with and without `_event`; we accept all.
        if name not in spec.types and f"{name}_event" in spec.types:
            name = f"{name}_event"
        if name not in spec.types:
            # Reference silent: unknown types are undocumented; we refuse them with 400.
            raise bad_parameter(
                f"Unsupported type {value!r}; supported types: {', '.join(spec.types)}"
            )
        wanted.add(name)
    return wanted


def _attribute_filters(query: MultiMapping[str], spec: CollectionSpec) -> dict[str, set[str]]:
    filters: dict[str, set[str]] = {}
    for key in query:
        match = _ATTRIBUTE_KEY.match(key)
        if key.startswith("attributes") and match is None:
            raise bad_parameter(f"Malformed filter {key!r}; use attributes[<name>]")
        if match is None:
            continue
        name = match.group(1)
        if name not in spec.filters:
            allowed = ", ".join(spec.filters) or "none"
            raise bad_parameter(f"Unsupported filter {name!r}; supported filters: {allowed}")
        values = set(query.getall(key))
        allowed_values = spec.filter_values.get(name)
        for value in values:
            if allowed_values is not None and value not in allowed_values:
                raise bad_parameter(
                    f"Unsupported {name} {value!r}; supported: {', '.join(allowed_values)}"
                )
        filters.setdefault(name, set()).update(values)
    for name, default in spec.default_filters.items():
        filters.setdefault(name, set(default))
    return filters


def _as_filter_text(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return "" if value is None else str(value)


def _sort_keys(query: MultiMapping[str], spec: CollectionSpec) -> list[tuple[str, bool]]:
    requested = _values(query, "sort") or list(spec.default_sort)
    keys: list[tuple[str, bool]] = []
    for item in requested:
        descending = item.startswith("-")
        name = item[1:] if descending else item
        if name not in spec.sortable:
            allowed = ", ".join(spec.sortable) or "none"
            raise bad_parameter(f"Unsupported sort attribute {name!r}; sortable: {allowed}")
        keys.append((name, descending))
    return keys


def _sort(resources: list[dict[str, Any]], keys: list[tuple[str, bool]]) -> None:
    # Reference silent: collation is undocumented; we sort text case-insensitively, nulls last
    # ascending and first descending (PostgreSQL's order), ties in creation order.
    for name, descending in reversed(keys):

        def key(resource: dict[str, Any], name: str = name) -> tuple[bool, Any]:
            value = resource["attributes"].get(name)
            if isinstance(value, str):
                value = value.casefold()
            return (value is None, value if value is not None else 0)

        resources.sort(key=key, reverse=descending)


def select(
    query: MultiMapping[str], resources: Iterable[dict[str, Any]], spec: CollectionSpec
) -> tuple[list[dict[str, Any]], dict[str, int]]:
    """Filter, sort and cut one page; returns the page and the collection `meta`."""
    page = _positive_int(query, "page", 1)
    per_page = _positive_int(query, "per_page", DEFAULT_PER_PAGE)
    if per_page > MAX_PER_PAGE:
        # Reference silent: out-of-range per_page is undocumented; we refuse it with 400.
        raise bad_parameter(f"`per_page` must be between 1 and {MAX_PER_PAGE}")
    if page * per_page > MAX_REACHABLE:
        raise bad_parameter(
            f"Only the first {MAX_REACHABLE} resources can be paginated "
            "(page * per_page must not exceed 10000)"
        )
    ids = set(_values(query, "id"))
    types = _type_filter(_values(query, "type"), spec)
    filters = _attribute_filters(query, spec)
    keys = _sort_keys(query, spec)
    chosen = [
        r
        for r in resources
        if (not ids or r["id"] in ids)
        and (not types or r["type"] in types)
        and all(_as_filter_text(r["attributes"].get(n)) in v for n, v in filters.items())
    ]
    _sort(chosen, keys)
    total = len(chosen)
    start = (page - 1) * per_page
    # Reference silent: a page past the last one answers 200 with empty data; an empty
    # collection has total_pages 0.
    meta = {
        "page": page,
        "per_page": per_page,
        "total_pages": math.ceil(total / per_page),
        "total_count": total,
    }
    return chosen[start : start + per_page], meta


def collection(
    request: web.Request, resources: Iterable[dict[str, Any]], spec: CollectionSpec
) -> web.Response:
    page, meta = select(request.query, resources, spec)
    return json_response({"data": page, "meta": meta})
