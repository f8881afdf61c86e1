"""Helpers the v3 route modules share: path ids, scoped lookups, attribute coercion."""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from typing import TypeVar

from aiohttp import web

from concierge.sandbox.butterflymx.errors import forbidden, not_found
from concierge.sandbox.butterflymx.store import Viewer
from concierge.sandbox.butterflymx.values import as_int

R = TypeVar("R")

EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
E164 = re.compile(r"^\+[1-9]\d{7,14}$")
DIGITS = re.compile(r"^\d+$")

BUILDING_WHERE = "`buildings`.`deleted_at` IS NULL"
UNIT_WHERE = "`units`.`deleted_at` IS NULL"
TENANT_WHERE = "`units_users`.`deleted_at` IS NULL"


def find(
    records: Mapping[int, R], raw: str, model: str, where: str, visible: Callable[[R], bool]
) -> R:
    """A record by path id within what the caller may see; the reference's 404 otherwise."""
    record_id = as_int(raw)
    record = records.get(record_id) if record_id is not None else None
    if record is None or not visible(record):
        raise not_found(model, raw, where)
    return record


def path(request: web.Request, name: str) -> str:
    return request.match_info[name]


def require_admin(viewer: Viewer, building_id: int | None) -> None:
    # Reference silent on 403: writes on units, tenants and integrations need a Building
    # Admin of that building; residents who can see the record get 403.
    if building_id is None or building_id not in viewer.admin_buildings:
        raise forbidden()


def as_bool(value: object) -> bool | None:
    """Booleans as Rails casts them; None when the value is not boolean-like."""
    if isinstance(value, bool):
        return value
    if isinstance(value, str) and value.lower() in ("true", "false", "1", "0"):
        return value.lower() in ("true", "1")
    if isinstance(value, int) and value in (0, 1):
        return bool(value)
    return None


def blank(value: object) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())
