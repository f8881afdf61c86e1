"""Zones: `/api/v2/spaces/{space_id}/zones` list, create (array), details, update (PATCH), delete.

Zones have no description and placeholder-only samples in the reference; ids are `zone_` + 27
base62 like the other resources, `coordinates` stay the flat int array the schema declares, and
Update Zone (an object whose fields are all optional) is a PATCH.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from aiohttp import web

from concierge.sandbox.butlr import ids
from concierge.sandbox.butlr.errors import invalid, reject_unknown_keys
from concierge.sandbox.butlr.pagination import page
from concierge.sandbox.butlr.records import ZoneRec
from concierge.sandbox.butlr.render import zone_doc
from concierge.sandbox.butlr.state import state_of
from concierge.sandbox.butlr.store import Store
from concierge.sandbox.butlr.validation import (
    check_query,
    color,
    int_list,
    integer,
    read_array,
    read_object,
    string,
)

routes = web.RouteTableDef()
UPDATABLE = ("name", "color", "coordinates", "area", "capacity", "mid_capacity")
# Reference silent/contradictory: Create Zone's body lacks room_id, zones have one; we take it.
CREATABLE = (*UPDATABLE, "type", "room_id")


def _zone_changes(
    store: Store, space_id: str, body: Mapping[str, Any], allowed: tuple[str, ...]
) -> dict[str, Any]:
    reject_unknown_keys(body, allowed, "zone fields")
    changes: dict[str, Any] = {}
    for key in ("name", "type"):
        if key in body:
            changes[key] = string(body, key).strip()
    if "color" in body:
        changes["color"] = color(body, "color")
    if "coordinates" in body:
        flat = int_list(body, "coordinates")
        if len(flat) % 2 or 0 < len(flat) < 6:
            raise invalid("coordinates must be a flat list of at least three x, y pairs")
        changes["coordinates"] = flat
    for key in ("area", "capacity", "mid_capacity"):
        if key in body:
            changes[key] = integer(body, key, minimum=0)
    if body.get("room_id"):
        changes["room_id"] = store.room_in_space_or_400(space_id, string(body, "room_id")).id
    return changes


# Reference silent/contradictory: zone ids unknown; `zone_` + 27 base62 like other resources.
@routes.get("/api/v2/spaces/{space_id}/zones")
async def list_zones(request: web.Request) -> web.Response:
    check_query(request, ("cursor", "limit"))
    store = state_of(request).store
    space = store.space(request.match_info["space_id"])
    return page(request, store.zones_in(space.id), f"zones:{space.id}", lambda z: z.seq, zone_doc)


@routes.post("/api/v2/spaces/{space_id}/zones")
async def create_zones(request: web.Request) -> web.Response:
    check_query(request, ())
    store = state_of(request).store
    space = store.space(request.match_info["space_id"])
    batch = [_zone_changes(store, space.id, item, CREATABLE) for item in await read_array(request)]
    if any("name" not in changes for changes in batch):
        raise invalid("every zone needs a name")
    zones = []
    for changes in batch:
        zone = ZoneRec(
            id=ids.ksuid(store.rng, "zone"),
            space_id=space.id,
            room_id=changes.pop("room_id", ""),
            name=changes.pop("name"),
            seq=store.next_seq(),
        )
        for attribute, value in changes.items():
            setattr(zone, attribute, value)
        store.add(zone)
        zones.append(zone)
    return web.json_response([zone_doc(z) for z in zones], status=201)


@routes.get("/api/v2/spaces/{space_id}/zones/{zone_id}")
async def get_zone(request: web.Request) -> web.Response:
    check_query(request, ())
    store = state_of(request).store
    zone = store.zone(request.match_info["space_id"], request.match_info["zone_id"])
    return web.json_response(zone_doc(zone))


# Reference silent/contradictory: no methods printed; an all-optional update is a PATCH.
@routes.patch("/api/v2/spaces/{space_id}/zones/{zone_id}")
async def update_zone(request: web.Request) -> web.Response:
    check_query(request, ())
    store = state_of(request).store
    zone = store.zone(request.match_info["space_id"], request.match_info["zone_id"])
    changes = _zone_changes(store, zone.space_id, await read_object(request), UPDATABLE)
    for attribute, value in changes.items():
        setattr(zone, attribute, value)
    return web.json_response(zone_doc(zone))


@routes.delete("/api/v2/spaces/{space_id}/zones/{zone_id}")
async def delete_zone(request: web.Request) -> web.Response:
    check_query(request, ())
    store = state_of(request).store
    zone = store.zone(request.match_info["space_id"], request.match_info["zone_id"])
    del store.zones[zone.id]
    return web.Response(status=204)
