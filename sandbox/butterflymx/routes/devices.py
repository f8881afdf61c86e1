"""v3 devices list, and the five call-control notifications (204, 400 on an unknown panel)."""

from __future__ import annotations

from aiohttp import web

from concierge.sandbox.butterflymx import render
from concierge.sandbox.butterflymx.context import BACKEND, Backend
from concierge.sandbox.butterflymx.errors import validation_error
from concierge.sandbox.butterflymx.jsonapi import (
    Filter,
    Included,
    ListSpec,
    apply,
    no_content,
    paginate,
    parse_list_query,
    read_data,
    respond,
)
from concierge.sandbox.butterflymx.records import DeviceRecord
from concierge.sandbox.butterflymx.store import Viewer
from concierge.sandbox.butterflymx.values import as_int

DEVICE_TYPES = ("intercom", "acs_controller", "smart_keypad", "smart_lock")
# Reference silent on the path and fields: `/v3/devices`; filters and sorts are ours.
LIST = ListSpec(
    resource="devices",
    sortable={"id": lambda d: d.id, "name": lambda d: d.name, "created_at": lambda d: d.created_at},
    filterable={
        "building": Filter("int", lambda d: d.building_id),
        "device_type": Filter("enum", lambda d: d.type, DEVICE_TYPES),
    },
    includable=frozenset({"building"}),
)
NOTIFICATIONS = ("call_accepted", "call_ended", "is_active", "open_door", "toggle_camera")


def visible_devices(backend: Backend, viewer: Viewer) -> list[DeviceRecord]:
    """Admins: every device of their buildings. Tenants: the building's door devices
    (access point controllers) and the smart locks of their own units."""
    now = backend.now()
    buildings = backend.store.visible_building_ids(viewer, now)
    units = {t.unit_id for t in backend.store.tenancies_of(viewer.user_id, now)}
    return [
        d
        for d in backend.store.devices.values()
        if d.building_id in viewer.admin_buildings
        or (d.building_id in buildings and (d.unit_id is None or d.unit_id in units))
    ]


async def list_devices(request: web.Request) -> web.Response:
    backend = request.app[BACKEND]
    viewer = backend.viewer(request)
    query = parse_list_query(request, LIST)
    rows = apply(visible_devices(backend, viewer), query, LIST)
    page, links = paginate(request, rows, query)
    included = None
    if "building" in query.include:
        included = Included()
        for d in page:
            included.add(
                render.building(
                    backend.store.buildings[d.building_id], backend.store, backend.now()
                )
            )
    return respond([render.device(d) for d in page], included=included, links=links)


async def notify(request: web.Request) -> web.Response:
    # Reference gives no semantics for these signals: we validate the panel and record nothing.
    backend = request.app[BACKEND]
    viewer = backend.viewer(request)
    data = await read_data(request)
    panel = backend.store.panels.get(as_int(data["attributes"].get("panel_id")) or -1)
    if panel is None or panel.building_id not in backend.store.visible_building_ids(
        viewer, backend.now()
    ):
        raise validation_error([("panel_id", "No panel with that ID")])
    return no_content()


def routes() -> list[web.RouteDef]:
    return [web.get("/api/v3/devices", list_devices)] + [
        web.post(f"/api/v3/notifications/{name}", notify) for name in NOTIFICATIONS
    ]
