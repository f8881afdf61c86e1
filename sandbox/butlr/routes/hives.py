"""Hives: `/api/v2/hives` list, activate (POST), details, update (PATCH), deactivate (DELETE).

Every `{hive_id}` is the hive id or the serial number printed on the device.
"""

from __future__ import annotations

from aiohttp import web

from concierge.sandbox.butlr import ids
from concierge.sandbox.butlr.errors import invalid, reject_unknown_keys
from concierge.sandbox.butlr.pagination import page
from concierge.sandbox.butlr.records import HiveRec
from concierge.sandbox.butlr.render import hive_details, hive_item
from concierge.sandbox.butlr.state import state_of
from concierge.sandbox.butlr.validation import check_query, details_flag, read_object, string

routes = web.RouteTableDef()


@routes.get("/api/v2/hives")
async def list_hives(request: web.Request) -> web.Response:
    check_query(request, ("details", "cursor", "limit"))
    details = details_flag(request)
    store = state_of(request).store
    return page(
        request,
        store.active_hives(),
        "hives",
        lambda h: h.seq,
        lambda h: hive_details(store, h) if details else hive_item(store, h),
    )


@routes.post("/api/v2/hives")
async def activate_hive(request: web.Request) -> web.Response:
    """Activate a hive by its serial number into a space.

    A known (deactivated) serial comes back with its id; a new serial gets a new hive.
    """
    check_query(request, ())
    store = state_of(request).store
    body = await read_object(request)
    # Reference silent/contradictory: Activate Hive has no inputs; we take serial_number, space_id.
    reject_unknown_keys(body, ("serial_number", "space_id"), "hive fields")
    serial = string(body, "serial_number").strip().lower()
    space = store.spaces.get(string(body, "space_id"))
    if space is None:
        raise invalid("space_id is not a space")
    hive = next((h for h in store.hives.values() if h.serial_number == serial), None)
    if hive is not None and hive.active:
        raise invalid(f"hive {serial} is already active")
    if hive is None:
        hive = HiveRec(ids.ksuid(store.rng, "hive"), serial, space.id, store.next_seq())
        store.add(hive)
    hive.space_id, hive.active = space.id, True
    store.hive_deactivated_at.pop(hive.id, None)
    return web.json_response(hive_details(store, hive), status=201)


@routes.get("/api/v2/hives/{hive_id}")
async def get_hive(request: web.Request) -> web.Response:
    check_query(request, ())
    store = state_of(request).store
    return web.json_response(hive_details(store, store.hive(request.match_info["hive_id"])))


@routes.patch("/api/v2/hives/{hive_id}")
async def update_hive(request: web.Request) -> web.Response:
    """Move a hive to another space, allowed while none of its sensors still uses it."""
    check_query(request, ())
    store = state_of(request).store
    hive = store.hive(request.match_info["hive_id"])
    body = await read_object(request)
    # Reference silent/contradictory: Update Hive has no body; `space_id` is its one writable field.
    reject_unknown_keys(body, ("space_id",), "hive fields")
    if "space_id" in body:
        space_id = string(body, "space_id")
        if space_id not in store.spaces:
            raise invalid("space_id is not a space")
        if space_id != hive.space_id and store.active_sensors(hive_id=hive.id):
            raise invalid("move or deactivate the hive's sensors first")
        hive.space_id = space_id
    return web.json_response(hive_details(store, hive))


@routes.delete("/api/v2/hives/{hive_id}")
async def deactivate_hive(request: web.Request) -> web.Response:
    """The hive leaves lists and lookups; its sensors stay listed but stop heartbeating."""
    check_query(request, ())
    store = state_of(request).store
    store.deactivate_hive(store.hive(request.match_info["hive_id"]))
    return web.Response(status=204)
