"""v3 buildings: list (panels always included), show, update by a Building Admin."""

from __future__ import annotations

from typing import Any

from aiohttp import web

from concierge.sandbox.butterflymx import render
from concierge.sandbox.butterflymx.context import BACKEND, Backend
from concierge.sandbox.butterflymx.errors import validation_error
from concierge.sandbox.butterflymx.jsonapi import (
    Included,
    ListSpec,
    apply,
    paginate,
    parse_include,
    parse_list_query,
    read_data,
    respond,
)
from concierge.sandbox.butterflymx.records import BuildingRecord, Picture
from concierge.sandbox.butterflymx.routes.common import BUILDING_WHERE, as_bool, blank, find
from concierge.sandbox.butterflymx.store import DISPLAY_NAME_STRATEGIES, Viewer
from concierge.sandbox.butterflymx.zones import zone_for

# Reference silent on building sort/filter fields: sortable by these, no filters.
LIST = ListSpec(
    resource="buildings",
    sortable={
        "id": lambda b: b.id,
        "name": lambda b: b.name,
        "created_at": lambda b: b.created_at,
        "updated_at": lambda b: b.updated_at,
    },
    includable=frozenset({"panels"}),
)
REQUIRED_TEXT = {
    "name": "name",
    "building_type": "building_type",
    "address_1": "address.address_1",
    "city": "address.city",
    "state": "address.state",
    "zip_code": "address.zip_code",
    "country": "address.country",
}
OPTIONAL_TEXT = ("address_2", "phone_number", "in_unit_phone_number")
BOOLEANS = (
    "send_panel_status_report",
    "qr_key_enabled",
    "door_release_pin",
    "remove_panel_logo",
    "remove_mobile_logo",
)


def _visible(viewer: Viewer) -> Any:
    # Reference lost the permission ticks: we read them as buildings for Building Admins only.
    return lambda b: b.id in viewer.admin_buildings


async def list_buildings(request: web.Request) -> web.Response:
    backend = request.app[BACKEND]
    viewer = backend.viewer(request)
    query = parse_list_query(request, LIST)
    rows = apply(
        (b for b in backend.store.buildings.values() if b.id in viewer.admin_buildings), query, LIST
    )
    page, links = paginate(request, rows, query)
    included = Included()
    for b in page:  # the reference's list includes panels without being asked
        for p in render.panels_of(backend.store, b.id):
            included.add(render.panel(p))
    now = backend.now()
    return respond(
        [render.building(b, backend.store, now) for b in page], included=included, links=links
    )


async def show_building(request: web.Request) -> web.Response:
    backend = request.app[BACKEND]
    viewer = backend.viewer(request)
    include = parse_include(request, LIST.includable, "buildings")
    b = find(
        backend.store.buildings,
        request.match_info["id"],
        "Building",
        BUILDING_WHERE,
        _visible(viewer),
    )
    return _one(backend, b, include)


def _one(backend: Backend, b: BuildingRecord, include: set[str]) -> web.Response:
    included = None
    if "panels" in include:
        included = Included()
        for p in render.panels_of(backend.store, b.id):
            included.add(render.panel(p))
    return respond(render.building(b, backend.store, backend.now()), included=included)


async def update_building(request: web.Request) -> web.Response:
    backend = request.app[BACKEND]
    viewer = backend.viewer(request)
    b = find(
        backend.store.buildings,
        request.match_info["id"],
        "Building",
        BUILDING_WHERE,
        _visible(viewer),
    )
    data = await read_data(request)
    # Reference shows an update with neither `type` nor `id`: both optional, checked if sent.
    problems = _identity_problems(data, b.id)
    attributes: dict[str, Any] = data["attributes"]
    changes: dict[str, Any] = {}
    for name, pointer in REQUIRED_TEXT.items():
        if name in attributes:
            value = attributes[name]
            if blank(value):
                problems.append((pointer, "can't be blank"))
            elif not isinstance(value, str):
                problems.append((pointer, "is invalid"))
            else:
                changes[name] = value
    for name in OPTIONAL_TEXT:
        if name in attributes:
            value = attributes[name]
            if value is not None and not isinstance(value, str):
                problems.append((f"address.{name}" if name == "address_2" else name, "is invalid"))
            else:
                changes[name] = value
    if "time_zone" in attributes:
        zone = attributes["time_zone"]
        if not isinstance(zone, str) or zone_for(zone) is None:
            problems.append(("time_zone", "is not included in the list"))
        else:
            changes["time_zone"] = zone
    if "display_name_strategy" in attributes:
        strategy = attributes["display_name_strategy"]
        if blank(strategy):
            problems.append(("display_name_strategy", "can't be blank"))
        elif strategy not in DISPLAY_NAME_STRATEGIES:
            problems.append(("display_name_strategy", "is not included in the list"))
        else:
            changes["display_name_strategy"] = strategy
    for name in BOOLEANS:
        if name in attributes:
            # `door_release_pin` is documented as a String but returned as a boolean.
            flag = as_bool(attributes[name])
            if flag is None:
                problems.append((name, "is not a boolean"))
            else:
                changes[name] = flag
    for name in ("panel_logo", "mobile_logo"):
        if name in attributes:
            # Reference silent on uploads in a JSON body: any non-empty string (a file
            # name or data URI) stands for an uploaded image.
            if blank(attributes[name]) or not isinstance(attributes[name], str):
                problems.append((name, "is invalid"))
            else:
                changes[name] = backend.store.s3_picture(name)
    if problems:
        raise validation_error(problems)
    _apply(b, changes)
    b.updated_at = backend.now()
    return _one(backend, b, set())


def _identity_problems(data: dict[str, Any], record_id: int) -> list[tuple[str, str]]:
    problems = []
    if "type" in data and data["type"] != "buildings":
        problems.append(("/data/type", "is invalid"))
    if "id" in data and str(data["id"]) != str(record_id):
        problems.append(("/data/id", "does not match the building in the URL"))
    return problems


def _apply(b: BuildingRecord, changes: dict[str, Any]) -> None:
    if changes.pop("remove_panel_logo", False):
        b.panel_logo = Picture(None, None)
    if changes.pop("remove_mobile_logo", False):
        b.mobile_logo = Picture(None, None)
    if "panel_logo" in changes:
        b.panel_logo = changes.pop("panel_logo")
    if "mobile_logo" in changes:
        b.mobile_logo = changes.pop("mobile_logo")
    for name, value in changes.items():
        setattr(b, name, value)


def routes() -> list[web.RouteDef]:
    return [
        web.get("/api/v3/buildings", list_buildings),
        web.get("/api/v3/buildings/{id}", show_building),
        # Rails routes PUT and PATCH to update alike; the reference documents PATCH.
        web.patch("/api/v3/buildings/{id}", update_building),
        web.put("/api/v3/buildings/{id}", update_building),
    ]
