"""Spaces: `/api/v2/spaces` list, create, details, update (PUT), delete."""

from __future__ import annotations

from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from aiohttp import web

from concierge.sandbox.butlr import ids
from concierge.sandbox.butlr.errors import invalid, reject_unknown_keys
from concierge.sandbox.butlr.pagination import page
from concierge.sandbox.butlr.records import SpaceRec
from concierge.sandbox.butlr.render import space_doc
from concierge.sandbox.butlr.sensor_fields import add_or_update_in_space
from concierge.sandbox.butlr.state import state_of
from concierge.sandbox.butlr.validation import (
    check_query,
    details_flag,
    number,
    read_object,
    string,
)

routes = web.RouteTableDef()
SPACE_FIELDS = (
    "id",
    "name",
    "address",
    "capacity",
    "mid_capacity",
    "area",
    "timezone",
    "installation_date",
    "sensors",
    "hives",
    "rooms",
    "gateways",
)


@routes.get("/api/v2/spaces")
async def list_spaces(request: web.Request) -> web.Response:
    check_query(request, ("details", "cursor", "limit"))
    details = details_flag(request)
    store = state_of(request).store
    return page(
        request,
        list(store.spaces.values()),
        "spaces",
        lambda s: s.seq,
        lambda s: space_doc(store, s, details),
    )


@routes.post("/api/v2/spaces")
async def create_space(request: web.Request) -> web.Response:
    check_query(request, ())
    store = state_of(request).store
    body = await read_object(request)
    reject_unknown_keys(body, ("name",), "space fields")
    # Reference silent/contradictory: `name` is not marked required; we require it.
    space = SpaceRec(
        id=ids.ksuid(store.rng, "space"), name=string(body, "name").strip(), seq=store.next_seq()
    )
    store.add(space)
    # Reference silent/contradictory: no status codes anywhere; creations answer 201.
    return web.json_response({"id": space.id, "name": space.name}, status=201)


@routes.get("/api/v2/spaces/{space_id}")
async def space_details(request: web.Request) -> web.Response:
    check_query(request, ("details",))
    details = details_flag(request)
    store = state_of(request).store
    return web.json_response(space_doc(store, store.space(request.match_info["space_id"]), details))


@routes.put("/api/v2/spaces/{space_id}")
async def update_space(request: web.Request) -> web.Response:
    """Update a space or add a sensor.

    Given fields are merged, `sensors[]` entries are added or updated, and `rooms[]`, `hives[]`
    and `gateways[]` are ignored (they have their own endpoints).
    """
    # Reference silent/contradictory: all fields "required" (a PUT); we merge what is given.
    check_query(request, ())
    store = state_of(request).store
    space = store.space(request.match_info["space_id"])
    body = await read_object(request)
    reject_unknown_keys(body, SPACE_FIELDS, "space fields")
    if "id" in body and body["id"] != space.id:
        raise invalid("id does not match the path")
    changes: dict[str, object] = {}
    if "name" in body:
        changes["name"] = string(body, "name").strip()
    for key in ("address", "installation_date"):
        if key in body:
            changes[key] = string(body, key, non_empty=False)
    if "timezone" in body:
        changes["timezone"] = _timezone(string(body, "timezone", non_empty=False))
    for key in ("capacity", "mid_capacity", "area"):
        if key in body:
            changes[key] = number(body, key, minimum=0)
    sensors = body.get("sensors", [])
    if not isinstance(sensors, list) or not all(isinstance(s, dict) for s in sensors):
        raise invalid("sensors must be an array of objects")
    for item in sensors:
        add_or_update_in_space(store, space, item)
    for attribute, value in changes.items():
        setattr(space, attribute, value)
    return web.json_response(space_doc(store, space, details=True))


def _timezone(name: str) -> str:
    # Reference silent/contradictory: timezone format unstated; IANA names (or ""), as occupancy
    # follows the space's local time.
    if name:
        try:
            ZoneInfo(name)
        except (ZoneInfoNotFoundError, ValueError) as exc:
            raise invalid(f"unknown timezone {name!r}") from exc
    return name


@routes.delete("/api/v2/spaces/{space_id}")
async def delete_space(request: web.Request) -> web.Response:
    check_query(request, ())
    state = state_of(request)
    space = state.store.space(request.match_info["space_id"])
    room_ids = [r.id for r in state.store.rooms_in(space.id)]
    state.store.delete_space(space)
    for room_id in room_ids:
        state.occupancy.forget_room(room_id)
    # Reference silent/contradictory: deletes document no success body; we answer 204 No Content.
    return web.Response(status=204)
