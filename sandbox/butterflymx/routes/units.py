"""v3 units: list/show with includes, create under a building (200), update (PUT), delete."""

from __future__ import annotations

from typing import Any

from aiohttp import web

from concierge.sandbox.butterflymx import render
from concierge.sandbox.butterflymx.context import BACKEND, Backend
from concierge.sandbox.butterflymx.errors import not_found, validation_error
from concierge.sandbox.butterflymx.jsonapi import (
    Filter,
    Included,
    ListSpec,
    apply,
    no_content,
    paginate,
    parse_include,
    parse_list_query,
    read_data,
    respond,
)
from concierge.sandbox.butterflymx.records import UnitRecord
from concierge.sandbox.butterflymx.routes.common import (
    BUILDING_WHERE,
    UNIT_WHERE,
    blank,
    find,
    require_admin,
)
from concierge.sandbox.butterflymx.values import as_int

UNIT_TYPES = ("apartment",)
LIST = ListSpec(
    resource="units",
    sortable={
        "id": lambda u: u.id,
        "floor_number": lambda u: u.floor_number,
        "unit_type": lambda u: u.unit_type,
        "label": lambda u: u.label,
        "updated_at": lambda u: u.updated_at,
        "created_at": lambda u: u.created_at,
    },
    filterable={
        "floor_number": Filter("int", lambda u: u.floor_number),
        "unit_type": Filter("enum", lambda u: u.unit_type, UNIT_TYPES),
        "label": Filter("str", lambda u: u.label),
    },
    includable=frozenset({"building", "users"}),
)


def _included(backend: Backend, units: list[UnitRecord], include: set[str]) -> Included | None:
    if not include:
        return None
    included = Included()
    now = backend.now()
    for u in units:
        if "building" in include and u.building_id in backend.store.buildings:
            included.add(
                render.building(backend.store.buildings[u.building_id], backend.store, now)
            )
        if "users" in include:
            for t in backend.store.tenants_of_unit(u.id):
                included.add(render.user(backend.store.users[t.user_id]))
    return included


async def list_units(request: web.Request) -> web.Response:
    backend = request.app[BACKEND]
    viewer = backend.viewer(request)
    query = parse_list_query(request, LIST)
    visible = backend.store.visible_unit_ids(viewer, backend.now())
    rows = apply((u for u in backend.store.units.values() if u.id in visible), query, LIST)
    page, links = paginate(request, rows, query)
    return respond(
        [render.unit(u, backend.store) for u in page],
        included=_included(backend, page, query.include),
        links=links,
    )


def _find_unit(backend: Backend, request: web.Request) -> UnitRecord:
    visible = backend.store.visible_unit_ids(backend.viewer(request), backend.now())
    return find(
        backend.store.units, request.match_info["id"], "Unit", UNIT_WHERE, lambda u: u.id in visible
    )


async def show_unit(request: web.Request) -> web.Response:
    backend = request.app[BACKEND]
    include = parse_include(request, LIST.includable, "units")
    unit = _find_unit(backend, request)
    return respond(render.unit(unit, backend.store), included=_included(backend, [unit], include))


def _validate(
    attributes: dict[str, Any], *, creating: bool
) -> tuple[dict[str, Any], list[tuple[str, str]]]:
    changes: dict[str, Any] = {}
    problems: list[tuple[str, str]] = []
    if creating or "label" in attributes:
        label = attributes.get("label")
        if blank(label):
            problems.append(("label", "can't be blank"))
        elif isinstance(label, (str, int)) and not isinstance(label, bool):
            changes["label"] = str(label)
        else:
            problems.append(("label", "is invalid"))
    if creating or "floor_number" in attributes:
        raw = attributes.get("floor_number")
        floor = as_int(raw)
        if blank(raw):
            problems.append(("floor_number", "can't be blank"))
        if floor is None:
            problems.append(("floor_number", "is not a number"))
        else:
            changes["floor_number"] = floor
    if creating or "unit_type" in attributes:
        unit_type = attributes.get("unit_type", "apartment")
        if unit_type not in UNIT_TYPES:
            problems.append(("unit_type", "is not included in the list"))
        else:
            changes["unit_type"] = unit_type
    return changes, problems


def _label_taken(backend: Backend, building_id: int, label: str, unit_id: int | None) -> bool:
    return any(
        u.building_id == building_id and u.label == label and u.id != unit_id
        for u in backend.store.units.values()
    )


async def create_unit(request: web.Request) -> web.Response:
    backend = request.app[BACKEND]
    viewer = backend.viewer(request)
    building = find(
        backend.store.buildings,
        request.match_info["building_id"],
        "Building",
        BUILDING_WHERE,
        lambda b: b.id in viewer.admin_buildings,
    )
    data = await read_data(request)
    changes, problems = _validate(data["attributes"], creating=True)
    if "label" in changes and _label_taken(backend, building.id, changes["label"], None):
        problems.append(("label", "has already been taken"))
    if problems:
        raise validation_error(problems)
    now = backend.now()
    unit = UnitRecord(
        id=backend.store.next_id("unit"),
        building_id=building.id,
        label=changes["label"],
        floor_number=changes["floor_number"],
        unit_type=changes["unit_type"],
        created_at=now,
        updated_at=now,
    )
    backend.store.units[unit.id] = unit
    # The reference answers unit creation with 200, not 201.
    return respond(render.unit(unit, backend.store), status=200)


async def update_unit(request: web.Request) -> web.Response:
    backend = request.app[BACKEND]
    viewer = backend.viewer(request)
    unit = _find_unit(backend, request)
    require_admin(viewer, unit.building_id)
    data = await read_data(request)
    attributes = data["attributes"]
    changes, problems = _validate(attributes, creating=False)
    if "building_id" in attributes:
        # The reference moves a unit with a `building_id` attribute (only on update).
        target = as_int(attributes["building_id"])
        if target is None or target not in backend.store.buildings:
            raise not_found("Building", attributes["building_id"], BUILDING_WHERE)
        require_admin(viewer, target)
        changes["building_id"] = target
    building_id = changes.get("building_id", unit.building_id)
    label = changes.get("label", unit.label)
    if ("label" in changes or "building_id" in changes) and _label_taken(
        backend, building_id, label, unit.id
    ):
        problems.append(("label", "has already been taken"))
    if problems:
        raise validation_error(problems)
    for name, value in changes.items():
        setattr(unit, name, value)
    unit.updated_at = backend.now()
    return respond(render.unit(unit, backend.store))


async def delete_unit(request: web.Request) -> web.Response:
    backend = request.app[BACKEND]
    viewer = backend.viewer(request)
    unit = _find_unit(backend, request)
    require_admin(viewer, unit.building_id)
    store = backend.store
    del store.units[unit.id]
    for t in store.tenants_of_unit(unit.id):
        del store.tenants[t.id]
    for k in [k for k in store.keychains.values() if k.unit_id == unit.id]:
        for key_id in k.virtual_key_ids:
            store.virtual_keys.pop(key_id, None)
        del store.keychains[k.id]
    return no_content()


def routes() -> list[web.RouteDef]:
    return [
        web.get("/api/v3/units", list_units),
        web.get("/api/v3/units/{id}", show_unit),
        web.post("/api/v3/buildings/{building_id}/units", create_unit),
        # The reference documents PUT; Rails routes PATCH to the same update.
        web.put("/api/v3/units/{id}", update_unit),
        web.patch("/api/v3/units/{id}", update_unit),
        web.delete("/api/v3/units/{id}", delete_unit),
    ]
