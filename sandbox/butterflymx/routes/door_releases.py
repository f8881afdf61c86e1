"""v3 door releases: the current user's list and the general list (read-only)."""

from __future__ import annotations

from aiohttp import web

from concierge.sandbox.butterflymx import render
from concierge.sandbox.butterflymx.activity import (
    DOOR_RELEASE_TYPES,
    PANEL_USER_TYPES,
    RELEASE_METHODS,
)
from concierge.sandbox.butterflymx.context import BACKEND
from concierge.sandbox.butterflymx.jsonapi import (
    Filter,
    ListSpec,
    apply,
    paginate,
    parse_include,
    parse_list_query,
    respond,
)
from concierge.sandbox.butterflymx.routes.common import find

# The documented sort list of `/v3/me/door_releases` is copied from Calls. Reference
# contradictory: we accept it and map logged_at -> created_at, notification_type ->
# door_release_type, call_type -> release_method, plus name and the fields themselves.
_SORTS = {
    "created_at": lambda d: d.created_at,
    "logged_at": lambda d: d.created_at,
    "notification_type": lambda d: d.door_release_type,
    "call_type": lambda d: d.release_method,
    "name": lambda d: d.name,
    "release_method": lambda d: d.release_method,
    "door_release_type": lambda d: d.door_release_type,
}
_FILTERS = {
    "unit": Filter("int", lambda d: d.unit_id),
    "release_method": Filter("enum", lambda d: d.release_method, RELEASE_METHODS),
    "door_release_type": Filter("enum", lambda d: d.door_release_type, DOOR_RELEASE_TYPES),
    "name": Filter("str", lambda d: d.name),
    "call_guid": Filter("str", lambda d: d.call_guid),
}
MINE = ListSpec(resource="door_releases", sortable=_SORTS, filterable=_FILTERS)
GENERAL = ListSpec(
    resource="door_releases",
    # Reference contradictory: `sort=created` in samples, `created_at` elsewhere; both work.
    sortable=_SORTS
    | {"created": lambda d: d.created_at, "panel_user_type": lambda d: d.panel_user_type},
    filterable=_FILTERS
    | {
        "user": Filter("int", lambda d: d.user_id),
        "panel_user_type": Filter("enum", lambda d: d.panel_user_type, PANEL_USER_TYPES),
    },
    # Reference contradictory: `filter[unit]=11` (JSON:API section) and `unit_id=11` (Door
    # Releases section). We accept both; given together, a record must match both.
    bare_filters={
        "unit_id": "unit",
        "user_id": "user",
        "release_method": "release_method",
        "door_release_type": "door_release_type",
        "panel_user_type": "panel_user_type",
        "name": "name",
        "call_guid": "call_guid",
    },
)
WHERE = (
    "`door_releases`.`unit_id` IN (SELECT `units_users`.`unit_id` FROM `units_users` WHERE "
    "`units_users`.`deleted_at` IS NULL AND `units_users`.`user_id` = ?)"
)


async def _list(request: web.Request, spec: ListSpec, *, general: bool) -> web.Response:
    backend = request.app[BACKEND]
    viewer = backend.viewer(request)
    query = parse_list_query(request, spec)
    visible = backend.store.visible_unit_ids(viewer, backend.now())
    rows = apply(
        (d for d in backend.store.door_releases.values() if d.unit_id in visible), query, spec
    )
    page, links = paginate(request, rows, query)
    return respond([render.door_release(d, general=general) for d in page], links=links)


async def list_mine(request: web.Request) -> web.Response:
    return await _list(request, MINE, general=False)


async def list_all(request: web.Request) -> web.Response:
    return await _list(request, GENERAL, general=True)


async def show(request: web.Request) -> web.Response:
    # The permission table has "List / Show"; the reference prints no show path.
    backend = request.app[BACKEND]
    viewer = backend.viewer(request)
    parse_include(request, frozenset(), "door_releases")
    visible = backend.store.visible_unit_ids(viewer, backend.now())
    release = find(
        backend.store.door_releases,
        request.match_info["id"],
        "DoorRelease",
        WHERE,
        lambda d: d.unit_id in visible,
    )
    return respond(render.door_release(release, general=True))


def routes() -> list[web.RouteDef]:
    return [
        web.get("/api/v3/me/door_releases", list_mine),
        web.get("/api/v3/door_releases", list_all),
        web.get("/api/v3/door_releases/{id}", show),
    ]
