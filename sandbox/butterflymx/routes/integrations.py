"""v3 webhook integrations, scoped to a building or to a tenant.

Reference ([000]) gives names, path parameters and the allowed values only. We decide:
paths `/v3/buildings/{building_id}/integrations[/{id}]` and
`/v3/tenants/{tenant_id}/integrations[/{id}]`, PATCH and PUT for update, UUID ids, and
the resource

    {"type": "integrations", "id": "<uuid>",
     "attributes": {"integrator": "webhook", "config": {"url", "method": "get"|"post"},
                    "bindings": [{"resource_type": "call"|"door_release"}, ...],
                    "created_at", "updated_at"},
     "relationships": {"building" | "tenant": {...}}}
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

from aiohttp import web

from concierge.sandbox.butterflymx import render
from concierge.sandbox.butterflymx.context import BACKEND, Backend
from concierge.sandbox.butterflymx.errors import not_found, validation_error
from concierge.sandbox.butterflymx.jsonapi import (
    ListSpec,
    apply,
    no_content,
    paginate,
    parse_list_query,
    read_data,
    respond,
)
from concierge.sandbox.butterflymx.records import IntegrationRecord
from concierge.sandbox.butterflymx.routes.common import BUILDING_WHERE, find, require_admin
from concierge.sandbox.butterflymx.routes.tenants import find_tenant
from concierge.sandbox.butterflymx.webhooks import BINDINGS

LIST = ListSpec(
    resource="integrations",
    sortable={"created_at": lambda i: i.created_at, "updated_at": lambda i: i.updated_at},
)


def _owner(backend: Backend, request: web.Request) -> tuple[str, int]:
    """("building" | "tenant", id) after checking the caller may manage its integrations."""
    viewer = backend.viewer(request)
    if "building_id" in request.match_info:
        building = find(
            backend.store.buildings,
            request.match_info["building_id"],
            "Building",
            BUILDING_WHERE,
            lambda b: b.id in viewer.admin_buildings,
        )
        return "building", building.id
    tenancy = find_tenant(backend, request, request.match_info["tenant_id"])
    if tenancy.user_id != viewer.user_id:  # a tenant manages their own; admins any
        require_admin(viewer, backend.store.building_of_unit(tenancy.unit_id))
    return "tenant", tenancy.id


def _find(backend: Backend, scope: str, owner_id: int, raw: str) -> IntegrationRecord:
    record = backend.store.integrations.get(raw)
    if record is None or record.scope != scope or record.owner_id != owner_id:
        column = "building_id" if scope == "building" else "units_user_id"
        raise not_found("Integration", raw, f"`integrations`.`{column}` = ?")
    return record


def _validate(
    attributes: dict[str, Any], current: IntegrationRecord | None
) -> tuple[dict[str, Any], list[tuple[str, str]]]:
    problems: list[tuple[str, str]] = []
    changes: dict[str, Any] = {}
    if current is None or "integrator" in attributes:
        integrator = attributes.get("integrator")
        if integrator in (None, ""):
            problems.append(("integrator", "can't be blank"))
        elif integrator != "webhook":
            problems.append(("integrator", "is not included in the list"))
        else:
            changes["integrator"] = integrator
    if current is None or "config" in attributes:
        config = attributes.get("config")
        if not isinstance(config, dict):
            problems.append(("config", "can't be blank"))
        else:
            url = config.get("url", current.url if current else None)
            parts = urlsplit(url) if isinstance(url, str) else None
            if not url:
                problems.append(("config.url", "can't be blank"))
            elif parts is None or parts.scheme not in ("http", "https") or not parts.netloc:
                problems.append(("config.url", "is invalid"))
            else:
                changes["url"] = url
            method = config.get("method", current.method if current else "post")
            if not isinstance(method, str) or method.lower() not in ("get", "post"):
                problems.append(("config.method", "is not included in the list"))
            else:
                changes["method"] = method.lower()
    if current is None or "bindings" in attributes:
        bindings = attributes.get("bindings")
        kinds = (
            [b.get("resource_type") if isinstance(b, dict) else None for b in bindings]
            if isinstance(bindings, list)
            else []
        )
        if not kinds:
            problems.append(("bindings", "can't be blank"))
        elif any(kind not in BINDINGS for kind in kinds):
            problems.append(("bindings.resource_type", "is not included in the list"))
        else:
            changes["bindings"] = [kind for kind in BINDINGS if kind in kinds]
    return changes, problems


async def list_integrations(request: web.Request) -> web.Response:
    backend = request.app[BACKEND]
    scope, owner_id = _owner(backend, request)
    query = parse_list_query(request, LIST)
    rows = apply(
        (
            i
            for i in backend.store.integrations.values()
            if i.scope == scope and i.owner_id == owner_id
        ),
        query,
        LIST,
    )
    if not query.sort:  # UUIDs do not order by age; oldest first
        rows.sort(key=lambda i: i.created_at)
    page, links = paginate(request, rows, query)
    return respond([render.integration(i) for i in page], links=links)


async def create_integration(request: web.Request) -> web.Response:
    backend = request.app[BACKEND]
    scope, owner_id = _owner(backend, request)
    data = await read_data(request)
    changes, problems = _validate(data["attributes"], None)
    if problems:
        raise validation_error(problems)
    now = backend.now()
    record = IntegrationRecord(
        id=backend.store.uuid(),
        scope=scope,
        owner_id=owner_id,
        created_at=now,
        updated_at=now,
        **changes,
    )
    backend.store.integrations[record.id] = record
    return respond(render.integration(record), status=201)


async def show_integration(request: web.Request) -> web.Response:
    backend = request.app[BACKEND]
    scope, owner_id = _owner(backend, request)
    return respond(render.integration(_find(backend, scope, owner_id, request.match_info["id"])))


async def update_integration(request: web.Request) -> web.Response:
    backend = request.app[BACKEND]
    scope, owner_id = _owner(backend, request)
    record = _find(backend, scope, owner_id, request.match_info["id"])
    data = await read_data(request)
    changes, problems = _validate(data["attributes"], record)
    if problems:
        raise validation_error(problems)
    for name, value in changes.items():
        setattr(record, name, value)
    record.updated_at = backend.now()
    return respond(render.integration(record))


async def delete_integration(request: web.Request) -> web.Response:
    backend = request.app[BACKEND]
    scope, owner_id = _owner(backend, request)
    record = _find(backend, scope, owner_id, request.match_info["id"])
    del backend.store.integrations[record.id]
    return no_content()


def routes() -> list[web.RouteDef]:
    # Reference silent on integration paths: nested under the building or the tenant.
    table: list[web.RouteDef] = []
    for base in (
        "/api/v3/buildings/{building_id}/integrations",
        "/api/v3/tenants/{tenant_id}/integrations",
    ):
        table += [
            web.get(base, list_integrations),
            web.post(base, create_integration),
            web.get(base + "/{id}", show_integration),
            web.patch(base + "/{id}", update_integration),
            web.put(base + "/{id}", update_integration),
            web.delete(base + "/{id}", delete_integration),
        ]
    return table
