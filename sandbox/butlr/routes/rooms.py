"""Rooms under a space (list, create, details, update, delete) and the room-type catalogue."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from aiohttp import web

from concierge.sandbox.butlr import ids
from concierge.sandbox.butlr.catalog import ROOM_TYPES, type_list
from concierge.sandbox.butlr.errors import invalid, reject_unknown_keys
from concierge.sandbox.butlr.pagination import page
from concierge.sandbox.butlr.records import RoomRec, mid_capacity_of
from concierge.sandbox.butlr.render import room_created, room_details, room_item
from concierge.sandbox.butlr.seeding import PALETTE
from concierge.sandbox.butlr.state import state_of
from concierge.sandbox.butlr.store import Store
from concierge.sandbox.butlr.validation import (
    check_query,
    color,
    details_flag,
    number,
    polygon,
    polygon_area,
    read_array,
    read_single,
    string,
)

routes = web.RouteTableDef()
ROOM_FIELDS = ("name", "type", "height", "color", "coordinates")
# Reference silent/contradictory: room bodies lack capacity, answers have it; we accept it.
EXTRA_FIELDS = ("capacity", "mid_capacity")


@routes.get("/api/v2/room-types")
async def list_room_types(request: web.Request) -> web.Response:
    return type_list(request, ROOM_TYPES, "room-types")


@routes.get("/api/v2/spaces/{space_id}/rooms")
async def list_rooms(request: web.Request) -> web.Response:
    check_query(request, ("details", "cursor", "limit"))
    details = details_flag(request)
    store = state_of(request).store
    space = store.space(request.match_info["space_id"])
    return page(
        request,
        store.rooms_in(space.id),
        f"rooms:{space.id}",
        lambda r: r.seq,
        lambda r: room_item(store, r, details),
    )


def _room_changes(body: Mapping[str, Any], *, require_all: bool) -> dict[str, Any]:
    """Validated room fields (any non-empty `type`: the samples use unlisted keys)."""
    # Reference silent/contradictory: `type` is a room-type key, samples use others; not checked.
    reject_unknown_keys(body, (*ROOM_FIELDS, *EXTRA_FIELDS), "room fields")
    required = ROOM_FIELDS if require_all else ("name", "type", "coordinates")
    missing = [key for key in required if key not in body]
    if missing:
        raise invalid(f"missing room fields: {', '.join(missing)}")
    changes: dict[str, Any] = {}
    for key in ("name", "type"):
        if key in body:
            changes[key] = string(body, key).strip()
    if "height" in body:
        changes["height"] = number(body, "height", minimum=0.5, maximum=20)
    if "color" in body:
        changes["color"] = color(body, "color")
    if "coordinates" in body:
        changes["coordinates"] = polygon(body, "coordinates")
        changes["area"] = polygon_area(changes["coordinates"])
    if "capacity" in body:
        changes["capacity"] = number(body, "capacity", minimum=0)
        changes.setdefault("mid_capacity", mid_capacity_of(changes["capacity"]))
    if "mid_capacity" in body:
        changes["mid_capacity"] = number(body, "mid_capacity", minimum=0)
    return changes


def _new_room(store: Store, space_id: str, changes: dict[str, Any]) -> RoomRec:
    room = RoomRec(
        id=ids.ksuid(store.rng, "room"),
        space_id=space_id,
        name=changes.pop("name"),
        type=changes.pop("type"),
        coordinates=changes.pop("coordinates"),
        seq=store.next_seq(),
        color=list(PALETTE[len(store.rooms) % len(PALETTE)]),
    )
    for attribute, value in changes.items():
        setattr(room, attribute, value)
    return room


@routes.post("/api/v2/spaces/{space_id}/rooms")
async def create_rooms(request: web.Request) -> web.Response:
    """Create a room and add it to a space: an array in, an array out (all or nothing)."""
    check_query(request, ())
    store = state_of(request).store
    space = store.space(request.match_info["space_id"])
    items = [_room_changes(item, require_all=False) for item in await read_array(request)]
    rooms = [_new_room(store, space.id, changes) for changes in items]
    for room in rooms:
        store.add(room)
    return web.json_response([room_created(store, r) for r in rooms], status=201)


@routes.get("/api/v2/spaces/{space_id}/rooms/{room_id}")
async def get_room(request: web.Request) -> web.Response:
    check_query(request, ("details",))
    details = details_flag(request)
    store = state_of(request).store
    room = store.room(request.match_info["space_id"], request.match_info["room_id"])
    return web.json_response(room_details(store, room, details))


@routes.put("/api/v2/spaces/{space_id}/rooms/{room_id}")
async def update_room(request: web.Request) -> web.Response:
    """The documented body is an array with every field required; we take one such item."""
    check_query(request, ())
    store = state_of(request).store
    room = store.room(request.match_info["space_id"], request.match_info["room_id"])
    changes = _room_changes(await read_single(request), require_all=True)
    for attribute, value in changes.items():
        setattr(room, attribute, value)
    return web.json_response(room_details(store, room, details=False))


@routes.delete("/api/v2/spaces/{space_id}/rooms/{room_id}")
async def delete_room(request: web.Request) -> web.Response:
    check_query(request, ())
    state = state_of(request)
    room = state.store.room(request.match_info["space_id"], request.match_info["room_id"])
    state.store.delete_room(room)
    state.occupancy.forget_room(room.id)
    return web.Response(status=204)
