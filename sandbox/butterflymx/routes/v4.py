"""v4 (plain JSON): tenants, access points, devices, and remote door release requests.

Reference ([002]) documents requests and list bodies only. We decide: lists are not
paginated (as shown), Ransack `q[...]` predicates listed below are honoured and any
other `q[...]` is a 400 rather than silently ignored; errors use the
`{"error", "error_description"}` pair; a door release request answers 201 with
the created request.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable
from typing import Any

import orjson
from aiohttp import web

from concierge.sandbox.butterflymx.context import BACKEND, Backend
from concierge.sandbox.butterflymx.errors import PlainError
from concierge.sandbox.butterflymx.records import (
    AccessPointRecord,
    DeviceRecord,
    DoorReleaseRequestRecord,
    TenantRecord,
)
from concierge.sandbox.butterflymx.routes.devices import visible_devices
from concierge.sandbox.butterflymx.values import as_int, iso

Predicates = dict[str, Callable[[Any], object]]
TENANT_PREDICATES: Predicates = {
    "building_id_eq": lambda t: t[1],
    "unit_id_eq": lambda t: t[0].unit_id,
    "id_eq": lambda t: t[0].id,
}
ACCESS_POINT_PREDICATES: Predicates = {
    "building_id_eq": lambda a: a.building_id,
    "id_eq": lambda a: a.id,
}
DEVICE_PREDICATES: Predicates = {
    "building_id_eq": lambda d: d.building_id,
    "unit_id_eq": lambda d: d.unit_id,
    "id_eq": lambda d: d.id,
}


def _json(payload: dict[str, Any], status: int = 200) -> web.Response:
    return web.Response(
        status=status,
        body=orjson.dumps(payload),
        headers={"Content-Type": "application/json; charset=utf-8"},
    )


def _search(request: web.Request, rows: Iterable[Any], predicates: Predicates) -> list[Any]:
    kept = list(rows)
    for key, raw in request.query.items():
        if not (key.startswith("q[") and key.endswith("]")):
            continue
        name = key[2:-1]
        if name not in predicates:
            # Reference silent on other Ransack predicates: refused rather than ignored.
            raise PlainError(
                400,
                "Bad Request",
                f"Unsupported search predicate {name}; use {', '.join(predicates)}",
            )
        value = as_int(raw)
        if value is None:
            raise PlainError(400, "Bad Request", f"{key} must be an integer")
        kept = [row for row in kept if predicates[name](row) == value]
    return kept


def _tenants(backend: Backend, request: web.Request) -> list[TenantRecord]:
    viewer = backend.viewer(request, "v4")
    return sorted(backend.store.visible_tenants(viewer, backend.now()), key=lambda t: t.id)


def _tenant_json(backend: Backend, t: TenantRecord) -> dict[str, Any]:
    user = backend.store.users[t.user_id]
    unit = backend.store.units[t.unit_id]
    return {
        "created_at": iso(t.created_at),
        "full_name": None,
        "id": t.id,
        "updated_at": iso(t.updated_at),
        "first_name": user.first_name,
        "last_name": user.last_name,
        "building_id": unit.building_id,
        "inactive_after": iso(t.inactive_at),
        "email": user.email,
        "unit": {
            "created_at": iso(unit.created_at),
            "id": unit.id,
            "label": unit.label,
            "updated_at": iso(unit.updated_at),
            "floor": str(unit.floor_number),
            "building_id": unit.building_id,
        },
    }


async def list_tenants(request: web.Request) -> web.Response:
    backend = request.app[BACKEND]
    rows = [
        (t, backend.store.units[t.unit_id].building_id)
        for t in _tenants(backend, request)
        if t.unit_id in backend.store.units
    ]
    found = _search(request, rows, TENANT_PREDICATES)
    return _json({"data": [_tenant_json(backend, t) for t, _ in found]})


def _access_point_json(a: AccessPointRecord) -> dict[str, Any]:
    return {
        "created_at": iso(a.created_at),
        "id": a.id,
        "name": a.name,
        "updated_at": iso(a.updated_at),
        "building_id": a.building_id,
        "device_ids": list(a.device_ids),
    }


def _visible_access_points(backend: Backend, request: web.Request) -> list[AccessPointRecord]:
    viewer = backend.viewer(request, "v4")
    buildings = backend.store.visible_building_ids(viewer, backend.now())
    return [a for a in backend.store.access_points.values() if a.building_id in buildings]


async def list_access_points(request: web.Request) -> web.Response:
    backend = request.app[BACKEND]
    found = _search(request, _visible_access_points(backend, request), ACCESS_POINT_PREDICATES)
    return _json({"data": [_access_point_json(a) for a in found]})


def _device_json(d: DeviceRecord) -> dict[str, Any]:
    return {
        "created_at": iso(d.created_at),
        "id": d.id,
        "model": d.model,
        "name": d.name,
        "serial_number": d.serial_number,
        "updated_at": iso(d.updated_at),
        "building_id": d.building_id,
        "type": d.type,
    }


async def list_devices(request: web.Request) -> web.Response:
    backend = request.app[BACKEND]
    viewer = backend.viewer(request, "v4")
    found = _search(request, visible_devices(backend, viewer), DEVICE_PREDICATES)
    return _json({"data": [_device_json(d) for d in found]})


async def _request_params(request: web.Request) -> dict[str, Any]:
    if request.content_type != "application/json":
        raise PlainError(415, "Unsupported Media Type", "Content-Type must be application/json")
    try:
        body = json.loads(await request.read())
    except (ValueError, UnicodeDecodeError) as exc:
        raise PlainError(400, "Bad Request", f"The request body is not valid JSON: {exc}") from exc
    params = body.get("door_release_request") if isinstance(body, dict) else None
    if not isinstance(params, dict) or not params:
        # Rails' ActionController::ParameterMissing message.
        raise PlainError(
            400, "Bad Request", "param is missing or the value is empty: door_release_request"
        )
    return params


async def create_door_release_request(request: web.Request) -> web.Response:
    backend = request.app[BACKEND]
    viewer = backend.viewer(request, "v4")
    params = await _request_params(request)
    tenant_id = as_int(params.get("tenant_id"))
    if tenant_id is None:
        raise PlainError(422, "Unprocessable Entity", "Tenant can't be blank")
    has_ap, has_device = (
        params.get("access_point_id") is not None,
        params.get("device_id") is not None,
    )
    if has_ap == has_device:
        # Reference: "either an Access Point ID or a Device ID"; both or neither is refused.
        raise PlainError(
            422, "Unprocessable Entity", "Send exactly one of access_point_id or device_id"
        )
    store = backend.store
    tenancy = next(
        (t for t in store.visible_tenants(viewer, backend.now()) if t.id == tenant_id), None
    )
    if tenancy is None or tenancy.unit_id not in store.units:
        raise PlainError(404, "Not Found", f"Couldn't find Tenant with 'id'={tenant_id}")
    unit = store.units[tenancy.unit_id]
    access_point_id = device_id = None
    if has_ap:
        access_point_id = as_int(params["access_point_id"])
        ap = store.access_points.get(access_point_id or -1)
        if ap is None:
            raise PlainError(
                404, "Not Found", f"Couldn't find AccessPoint with 'id'={params['access_point_id']}"
            )
        if ap.building_id != unit.building_id:
            raise PlainError(
                403, "Forbidden", f"Tenant {tenant_id} has no access to access point {ap.id}"
            )
    else:
        device_id = as_int(params["device_id"])
        device = store.devices.get(device_id or -1)
        if device is None:
            raise PlainError(
                404, "Not Found", f"Couldn't find Device with 'id'={params['device_id']}"
            )
        if device.building_id != unit.building_id or device.unit_id not in (None, unit.id):
            raise PlainError(
                403, "Forbidden", f"Tenant {tenant_id} has no access to device {device.id}"
            )
    user = store.users[tenancy.user_id]
    release = backend.activity.record_door_release(
        unit_id=unit.id,
        release_method="mobile",
        door_release_type="visitor",
        panel_user_type="default",
        name=user.name,
        user_id=user.id,
        call_guid=None,
    )
    record = DoorReleaseRequestRecord(
        id=store.next_id("door_release_request"),
        tenant_id=tenancy.id,
        access_point_id=access_point_id,
        device_id=device_id,
        door_release_id=release.id,
        created_at=release.created_at,
        requested_by=viewer.user_id,
        tenant_user=user.id,
    )
    store.door_release_requests[record.id] = record
    # Reference silent on the response: 201 with the created request and its door release.
    return _json(
        {
            "data": {
                "id": record.id,
                "tenant_id": record.tenant_id,
                "access_point_id": record.access_point_id,
                "device_id": record.device_id,
                "status": "released",
                "door_release_id": record.door_release_id,
                "created_at": iso(record.created_at),
                "updated_at": iso(record.created_at),
            }
        },
        status=201,
    )


def routes() -> list[web.RouteDef]:
    return [
        web.get("/api/v4/tenants", list_tenants),
        web.get("/api/v4/access_points", list_access_points),
        web.get("/api/v4/devices", list_devices),
        web.post("/api/v4/door_release_requests", create_door_release_request),
    ]
