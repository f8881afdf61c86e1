"""v3 current user: `/me` with includes, its update, calls, call status and messages."""

from __future__ import annotations

from typing import Any

from aiohttp import web

from concierge.sandbox.butterflymx import render
from concierge.sandbox.butterflymx.activity import CALL_TYPES, NOTIFICATION_TYPES
from concierge.sandbox.butterflymx.context import BACKEND, Backend
from concierge.sandbox.butterflymx.errors import JsonApiError, PlainError
from concierge.sandbox.butterflymx.jsonapi import (
    Filter,
    Included,
    ListSpec,
    apply,
    paginate,
    parse_include,
    parse_list_query,
    read_data,
    respond,
)
from concierge.sandbox.butterflymx.records import UserRecord
from concierge.sandbox.butterflymx.routes.common import E164, EMAIL, blank
from concierge.sandbox.butterflymx.store import Viewer

# Reference contradictory on /me includes: we take the union of [001] (buildings, tenants) and
# [000] (nested tenants.*); the intro's `units` is listed by neither, so it is a 400.
ME_INCLUDES = frozenset(
    {"buildings", "tenants", "tenants.building", "tenants.unit", "tenants.panels"}
)
CALLS = ListSpec(
    resource="calls",
    sortable={
        "created_at": lambda c: c.created_at,
        "logged_at": lambda c: c.created_at,
        "notification_type": lambda c: c.notification_type,
        "call_type": lambda c: c.call_type,
    },
    filterable={
        "unit": Filter("int", lambda c: c.unit_id),
        "notification_type": Filter("enum", lambda c: c.notification_type, NOTIFICATION_TYPES),
        "call_type": Filter("enum", lambda c: c.call_type, CALL_TYPES),
        "guid": Filter("str", lambda c: c.guid),
    },
)
MESSAGES = ListSpec(
    resource="messages",
    sortable={"message_type": lambda m: m.message_type, "created_at": lambda m: m.created_at},
    filterable={"message_type": Filter("enum", lambda m: m.message_type, ("text", "voice"))},
)
CALL_NOT_FOUND = (
    "Couldn't find Call with [WHERE `units_users`.`deleted_at` IS NULL AND "
    "`units_users`.`user_id` = ? AND `calls`.`guid` = ?]"
)
USER_FIELDS = (
    "first_name",
    "last_name",
    "email",
    "phone_number",
    "sms_phone_number",
    "contact_preference",
)


def _me(backend: Backend, viewer: Viewer, include: set[str]) -> web.Response:
    store, now = backend.store, backend.now()
    user = store.users[viewer.user_id]
    tenancies = store.tenancies_of(viewer.user_id, now)
    resource = render.user(user)
    resource["relationships"] = {
        "buildings": {
            "data": [
                render.ref("buildings", b) for b in sorted(store.visible_building_ids(viewer, now))
            ]
        },
        # `/me` types its tenancies `tenants`, unlike `/v3/tenants` (`units_users`).
        "tenants": {"data": [render.ref("tenants", t.id) for t in tenancies]},
    }
    if not include:
        return respond(resource)
    included = Included()
    if "buildings" in include:
        for building_id in sorted(store.visible_building_ids(viewer, now)):
            included.add(render.building(store.buildings[building_id], store, now, reduced=True))
    nested = {path.split(".", 1)[1] for path in include if path.startswith("tenants.")}
    if "tenants" in include or nested:
        for t in tenancies:
            included.add(_tenant_entry(backend, t.id, t.unit_id, nested))
    for t in tenancies:
        unit = store.units.get(t.unit_id)
        if unit is None:
            continue
        if "building" in nested:
            included.add(
                render.building(store.buildings[unit.building_id], store, now, reduced=True)
            )
        if "unit" in nested:
            included.add(render.unit(unit, store))
        if "panels" in nested:
            for p in render.panels_of(store, unit.building_id):
                included.add(render.panel(p))
    return respond(resource, included=included)


def _tenant_entry(
    backend: Backend, tenant_id: int, unit_id: int, nested: set[str]
) -> dict[str, Any]:
    entry: dict[str, Any] = {
        "id": str(tenant_id),
        "type": "tenants",
        "attributes": {"unit_id": unit_id},
    }
    # Reference silent on nested linkage (included resources carry no relationships): for
    # nested includes we add the linkage the client needs to join them.
    building_id = backend.store.building_of_unit(unit_id)
    links: dict[str, Any] = {}
    if "building" in nested:
        links["building"] = render.to_one("buildings", building_id)
    if "unit" in nested:
        links["unit"] = render.to_one("units", unit_id)
    if "panels" in nested and building_id is not None:
        links["panels"] = {
            "data": [
                render.ref("panels", p.id) for p in render.panels_of(backend.store, building_id)
            ]
        }
    if links:
        entry["relationships"] = links
    return entry


async def show_me(request: web.Request) -> web.Response:
    backend = request.app[BACKEND]
    viewer = backend.viewer(request)
    return _me(backend, viewer, parse_include(request, ME_INCLUDES, "users"))


async def update_me(request: web.Request) -> web.Response:
    backend = request.app[BACKEND]
    viewer = backend.viewer(request)
    data = await read_data(request)
    # The reference sends `type: "tenants"` with the user's id; we accept that or `users`.
    if data.get("type") not in (None, "tenants", "users") or (
        "id" in data and str(data["id"]) != str(viewer.user_id)
    ):
        raise PlainError(400, "Bad Request", "Type or id does not match the current user")
    user = backend.store.users[viewer.user_id]
    changes, problems = _user_changes(backend, user, data["attributes"])
    if problems:
        # `PUT /v3/me` is the one v3 endpoint documented with the OAuth-like error pair.
        raise PlainError(400, "Bad Request", ", ".join(problems))
    for name, value in changes.items():
        setattr(user, name, value)
    user.updated_at = backend.now()
    return _me(backend, viewer, set())


def _user_changes(
    backend: Backend, user: UserRecord, attributes: dict[str, Any]
) -> tuple[dict[str, Any], list[str]]:
    changes: dict[str, Any] = {}
    problems: list[str] = []
    for name in USER_FIELDS:
        if name not in attributes:
            continue  # unpermitted attributes are dropped, as Rails strong parameters do
        value = attributes[name]
        label = name.replace("_", " ").capitalize()
        if name in ("first_name", "last_name", "email", "contact_preference") and blank(value):
            problems.append(f"{label} can't be blank")
        elif value is not None and not isinstance(value, str):
            problems.append(f"{label} is invalid")
        elif name == "email" and not EMAIL.match(str(value)):
            problems.append("Email is invalid")
        elif (
            name == "email"
            and (other := backend.store.user_by_email(str(value))) is not None
            and other.id != user.id
        ):
            problems.append("Email has already been taken")
        elif name in ("phone_number", "sms_phone_number") and value and not E164.match(value):
            problems.append(f"{label} is invalid")
        else:
            changes[name] = value.strip() if isinstance(value, str) else value
    return changes, problems


async def list_calls(request: web.Request) -> web.Response:
    backend = request.app[BACKEND]
    viewer = backend.viewer(request)
    query = parse_list_query(request, CALLS)
    visible = backend.store.visible_unit_ids(viewer, backend.now())
    rows = apply((c for c in backend.store.calls.values() if c.unit_id in visible), query, CALLS)
    page, links = paginate(request, rows, query)
    return respond([render.call(c) for c in page], links=links)


async def call_status(request: web.Request) -> web.Response:
    backend = request.app[BACKEND]
    viewer = backend.viewer(request)
    parse_include(request, frozenset({"call"}), "call_statuses")
    guid = request.match_info["call_guid"]
    visible = backend.store.visible_unit_ids(viewer, backend.now())
    call = next(
        (c for c in backend.store.calls.values() if c.guid == guid and c.unit_id in visible), None
    )
    if call is None:
        raise JsonApiError(404, [{"title": "Record not found", "detail": CALL_NOT_FOUND}])
    included = Included()  # the call is always included
    included.add(render.call_with_panel(call, backend.store))
    return respond(render.call_status(call), included=included)


async def list_messages(request: web.Request) -> web.Response:
    backend = request.app[BACKEND]
    viewer = backend.viewer(request)
    query = parse_list_query(request, MESSAGES)
    visible = backend.store.visible_unit_ids(viewer, backend.now())
    # Reference silent on what links a message to a user: we scope messages by unit.
    rows = apply(
        (m for m in backend.store.messages.values() if m.unit_id in visible), query, MESSAGES
    )
    page, links = paginate(request, rows, query)
    return respond([render.message(m) for m in page], links=links)


def routes() -> list[web.RouteDef]:
    return [
        web.get("/api/v3/me", show_me),
        web.put("/api/v3/me", update_me),
        web.patch("/api/v3/me", update_me),
        web.get("/api/v3/me/calls", list_calls),
        web.get("/api/v3/me/calls/{call_guid}/status", call_status),
        web.get("/api/v3/me/messages", list_messages),
    ]
