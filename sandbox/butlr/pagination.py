"""Cursor pagination for every Butlr list: `{"data": [...], "next": cursor, "prev": cursor}`.

The reference gives no cursor parameter, page size or format; we take `?cursor=<opaque>` and an
optional `?limit=1..100` (default 50), and an empty string means no more pages. A cursor is
base64url JSON naming its list and the creation sequence number it continues after (or before),
so deletes never shift a page.
"""

from __future__ import annotations

import base64
import binascii
import json
from collections.abc import Callable, Sequence
from typing import Any, TypeVar

from aiohttp import web

from concierge.sandbox.butlr.errors import invalid

# Reference silent/contradictory: no cursor name or page size; ?cursor=, ?limit=1..100, 50 default.
DEFAULT_LIMIT = 50
MAX_LIMIT = 100
T = TypeVar("T")


def encode_cursor(
    list_key: str, *, after: int | None = None, before: int | None = None, limit: int
) -> str:
    state: dict[str, Any] = {"k": list_key, "l": limit}
    if after is not None:
        state["a"] = after
    if before is not None:
        state["b"] = before
    raw = json.dumps(state, separators=(",", ":")).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def _decode_cursor(cursor: str, list_key: str) -> dict[str, int]:
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4))
        state = json.loads(raw)
    except (binascii.Error, ValueError) as exc:
        raise invalid("cursor is not one this API issued") from exc
    if not isinstance(state, dict) or state.get("k") != list_key:
        raise invalid("cursor belongs to another list")
    positions = [k for k in ("a", "b") if k in state]
    values = [state.get(k) for k in (*positions, "l")]
    if len(positions) != 1 or not all(
        isinstance(v, int) and not isinstance(v, bool) and v >= 0 for v in values
    ):
        raise invalid("cursor is malformed")
    if not 1 <= state["l"] <= MAX_LIMIT:
        raise invalid("cursor is malformed")
    return {k: state[k] for k in (*positions, "l")}


def _limit(request: web.Request, fallback: int) -> int:
    raw = request.query.get("limit")
    if raw is None:
        return fallback
    if not raw.isdigit() or not 1 <= int(raw) <= MAX_LIMIT:
        raise invalid(f"limit must be an integer from 1 to {MAX_LIMIT}")
    return int(raw)


def page(
    request: web.Request,
    items: Sequence[T],
    list_key: str,
    seq: Callable[[T], int],
    render: Callable[[T], Any],
) -> web.Response:
    """One page of `items` (already in creation order) in Butlr's list envelope."""
    cursor = request.query.get("cursor", "")
    state = _decode_cursor(cursor, list_key) if cursor else {}
    limit = _limit(request, state.get("l", DEFAULT_LIMIT))
    if "b" in state:
        before = [item for item in items if seq(item) < state["b"]]
        chunk = before[-limit:]
    else:
        after = state.get("a", -1)
        chunk = [item for item in items if seq(item) > after][:limit]
    if chunk:
        first, last = seq(chunk[0]), seq(chunk[-1])
    elif "b" in state:
        first = last = state["b"] - 1
    else:
        first = last = state.get("a", -1) + 1
    has_next = any(seq(item) > last for item in items)
    has_prev = any(seq(item) < first for item in items)
    return web.json_response(
        {
            "data": [render(item) for item in chunk],
            "next": encode_cursor(list_key, after=last, limit=limit) if has_next else "",
            "prev": encode_cursor(list_key, before=first, limit=limit) if has_prev else "",
        }
    )
