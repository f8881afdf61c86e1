"""Sensors: `/api/v2/sensors` list, details, update (PATCH), deactivate (DELETE).

Every `{sensor_id}` is the sensor id or its MAC address, in any case, with `:` or `-`.
"""

from __future__ import annotations

from aiohttp import web

from concierge.sandbox.butlr.pagination import page
from concierge.sandbox.butlr.render import sensor_details, sensor_doc, sensor_ref
from concierge.sandbox.butlr.sensor_fields import apply_fields
from concierge.sandbox.butlr.state import state_of
from concierge.sandbox.butlr.validation import check_query, details_flag, read_object

routes = web.RouteTableDef()


@routes.get("/api/v2/sensors")
async def list_sensors(request: web.Request) -> web.Response:
    check_query(request, ("details", "cursor", "limit"))
    details = details_flag(request)
    store = state_of(request).store
    return page(
        request,
        store.active_sensors(),
        "sensors",
        lambda s: s.seq,
        lambda s: sensor_doc(store, s, details),
    )


@routes.get("/api/v2/sensors/{sensor_id}")
async def get_sensor(request: web.Request) -> web.Response:
    check_query(request, ())
    store = state_of(request).store
    return web.json_response(sensor_details(store, store.sensor(request.match_info["sensor_id"])))


@routes.patch("/api/v2/sensors/{sensor_id}")
async def update_sensor(request: web.Request) -> web.Response:
    """Answers `{"data": [SensorRef]}` as documented (the only update wrapped in `data`)."""
    check_query(request, ())
    store = state_of(request).store
    sensor = store.sensor(request.match_info["sensor_id"])
    apply_fields(store, sensor, await read_object(request))
    return web.json_response({"data": [sensor_ref(store, sensor)]})


@routes.delete("/api/v2/sensors/{sensor_id}")
async def deactivate_sensor(request: web.Request) -> web.Response:
    """The sensor leaves every list and lookup; re-adding its MAC via Update Space revives it."""
    check_query(request, ())
    store = state_of(request).store
    store.sensor(request.match_info["sensor_id"]).active = False
    return web.Response(status=204)
