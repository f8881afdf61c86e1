"""Small helpers the resource modules share."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from aiohttp import web

from concierge.sandbox.remotelock.errors import ApiError, Problems
from concierge.sandbox.remotelock.store import Record

Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]
Route = tuple[str, str, Handler]
"""(method, path relative to the API root, handler)."""


def found(records: dict[str, Record], ident: str, kind: str) -> Record:
    record = records.get(ident)
    if record is None:
        raise ApiError(404, f"{kind} not found", "not_found")
    return record


def check_type(
    kind: str | None, allowed: tuple[str, ...], problems: Problems, *, required: bool
) -> str | None:
    """The body's top-level `type` for polymorphic creates (optional where only one type fits)."""
    if kind is None:
        if required:
            problems.add("type", "can't be blank")
        return allowed[0] if not required else None
    if kind not in allowed:
        problems.add("type", "is not included in the list")
        return None
    return kind
