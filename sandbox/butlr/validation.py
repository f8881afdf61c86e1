"""Request parsing for the Butlr simulator: bodies, query strings and typed fields.

Every helper raises `ButlrError` 400 ("Invalid request") with a sandbox-only detail.
"""

from __future__ import annotations

import json
import math
from collections.abc import Iterable, Mapping
from typing import Any
from urllib.parse import parse_qsl

from aiohttp import web

from concierge.sandbox.butlr.errors import invalid, reject_unknown_keys

JSON_TYPES = ("application/json",)
FORM_TYPE = "application/x-www-form-urlencoded"


async def read_body(request: web.Request, *, form_ok: bool = False) -> Any:
    """The request's JSON body (or form fields where `form_ok`).

    A missing Content-Type reads as JSON (Create Room and Update Sensor document none).
    """
    # Reference silent/contradictory: "form-encoded" vs JSON schemas; JSON, forms only on logins.
    raw = await request.read()
    declared = request.headers.get("Content-Type")
    ctype = (declared or "").split(";")[0].strip().lower()
    if form_ok and ctype == FORM_TYPE:
        try:
            return dict(parse_qsl(raw.decode("utf-8"), keep_blank_values=True, strict_parsing=True))
        except (UnicodeDecodeError, ValueError) as exc:
            raise invalid(f"malformed form body: {exc}") from exc
    if declared is not None and ctype not in JSON_TYPES and not ctype.endswith("+json"):
        raise invalid(f"unsupported content type {ctype!r}; send application/json")
    if not raw.strip():
        raise invalid("a JSON body is required")
    try:
        return json.loads(raw)
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise invalid(f"body is not valid JSON: {exc}") from exc


async def read_object(request: web.Request, *, form_ok: bool = False) -> dict[str, Any]:
    body = await read_body(request, form_ok=form_ok)
    if not isinstance(body, dict):
        raise invalid("the body must be a JSON object")
    return body


async def read_array(request: web.Request) -> list[dict[str, Any]]:
    """A non-empty JSON array of objects (Create Room, Create Zone, Add Fixture)."""
    body = await read_body(request)
    if not isinstance(body, list) or not body:
        raise invalid("the body must be a non-empty JSON array of objects")
    if not all(isinstance(item, dict) for item in body):
        raise invalid("every array item must be a JSON object")
    return body


async def read_single(request: web.Request) -> dict[str, Any]:
    """A one-item array or a bare object (Update Room and Update Fixture document arrays)."""
    body = await read_body(request)
    if isinstance(body, list):
        if len(body) != 1 or not isinstance(body[0], dict):
            raise invalid("the body must be an array holding exactly one object")
        return body[0]
    if not isinstance(body, dict):
        raise invalid("the body must be a JSON object")
    return body


reject_unknown = reject_unknown_keys


def check_query(request: web.Request, allowed: Iterable[str]) -> None:
    """Only documented parameters, each at most once."""
    keys = [key for key, _ in request.query.items()]
    reject_unknown(keys, allowed, "query parameters")
    if len(keys) != len(set(keys)):
        raise invalid("a query parameter is repeated")


def details_flag(request: web.Request) -> bool:
    """The documented `details` query flag: "true" or "false" (default)."""
    value = request.query.get("details", "false")
    if value not in ("true", "false"):
        raise invalid('details must be "true" or "false"')
    return value == "true"


def string(body: Mapping[str, Any], key: str, *, non_empty: bool = True) -> str:
    value = body.get(key)
    if not isinstance(value, str) or (non_empty and not value.strip()):
        raise invalid(f"{key} must be a{' non-empty' if non_empty else ''} string")
    return value


def number(
    body: Mapping[str, Any], key: str, *, minimum: float | None = None, maximum: float | None = None
) -> float:
    value = body.get(key)
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value):
        raise invalid(f"{key} must be a number")
    if (minimum is not None and value < minimum) or (maximum is not None and value > maximum):
        raise invalid(f"{key} is out of range")
    return float(value) if isinstance(value, float) else value


def integer(body: Mapping[str, Any], key: str, *, minimum: int | None = None) -> int:
    value = body.get(key)
    if isinstance(value, bool) or not isinstance(value, int):
        raise invalid(f"{key} must be an integer")
    if minimum is not None and value < minimum:
        raise invalid(f"{key} is out of range")
    return value


def boolean(body: Mapping[str, Any], key: str) -> bool:
    value = body.get(key)
    if not isinstance(value, bool):
        raise invalid(f"{key} must be a boolean")
    return value


def numbers(body: Mapping[str, Any], key: str, length: int) -> list[float]:
    value = body.get(key)
    if not isinstance(value, list) or len(value) != length:
        raise invalid(f"{key} must be an array of {length} numbers")
    return [number({key: item}, key) for item in value]


def point(body: Mapping[str, Any], key: str) -> list[float]:
    return numbers(body, key, 2)


def polygon(body: Mapping[str, Any], key: str) -> list[list[float]]:
    value = body.get(key)
    if not isinstance(value, list) or len(value) < 3:
        raise invalid(f"{key} must be a polygon of at least three [x, y] points")
    return [point({key: corner}, key) for corner in value]


def color(body: Mapping[str, Any], key: str) -> list[int]:
    """RGBA; a missing alpha defaults to 255 as the reference's Color schema says."""
    value = body.get(key)
    if (
        not isinstance(value, list)
        or len(value) not in (3, 4)
        or not all(isinstance(c, int) and not isinstance(c, bool) and 0 <= c <= 255 for c in value)
    ):
        raise invalid(f"{key} must be 3 or 4 integers between 0 and 255")
    return [*value, 255] if len(value) == 3 else list(value)


def int_list(body: Mapping[str, Any], key: str) -> list[int]:
    value = body.get(key)
    if not isinstance(value, list) or not all(
        isinstance(v, int) and not isinstance(v, bool) for v in value
    ):
        raise invalid(f"{key} must be an array of integers")
    return list(value)


def string_list(body: Mapping[str, Any], key: str) -> list[str]:
    value = body.get(key)
    if not isinstance(value, list) or not all(isinstance(v, str) and v for v in value):
        raise invalid(f"{key} must be an array of strings")
    return list(value)


def polygon_area(corners: list[list[float]]) -> float:
    """Shoelace area of a floor-plan polygon, rounded to 2 decimals."""
    twice = 0.0
    for (x1, y1), (x2, y2) in zip(corners, corners[1:] + corners[:1], strict=True):
        twice += x1 * y2 - x2 * y1
    return round(abs(twice) / 2, 2)
