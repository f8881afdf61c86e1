"""v3 tenants (tenancies, typed `units_users` in responses) and tenant PINs."""

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
from concierge.sandbox.butterflymx.records import TenantRecord, UserRecord
from concierge.sandbox.butterflymx.routes.common import (
    DIGITS,
    EMAIL,
    TENANT_WHERE,
    UNIT_WHERE,
    as_bool,
    blank,
    find,
    require_admin,
)
from concierge.sandbox.butterflymx.store import DISPLAY_NAME_STRATEGIES
from concierge.sandbox.butterflymx.values import as_int, parse_datetime

LIST = ListSpec(
    resource="tenants",
    sortable={"created_at": lambda t: t.created_at},
    filterable={
        "display_name_strategy": Filter(
            "enum", lambda t: t.display_name_strategy, DISPLAY_NAME_STRATEGIES
        ),
        "display_only_on_search": Filter("bool", lambda t: t.display_only_on_search),
        "pin_enabled": Filter("bool", lambda t: t.pin is not None),
        "email_notifications": Filter("bool", lambda t: t.email_notifications),
        "sms_notifications": Filter("bool", lambda t: t.sms_notifications),
        "do_not_disturb": Filter("bool", lambda t: t.do_not_disturb),
    },
)
FLAGS = (
    "qr_key_enabled",
    "display_only_on_search",
    "email_notifications",
    "sms_notifications",
    "do_not_disturb",
)


def _with_users(backend: Backend, tenants: list[TenantRecord]) -> Included:
    included = Included()  # the reference includes users without being asked
    for t in tenants:
        included.add(render.user(backend.store.users[t.user_id]))
    return included


async def list_tenants(request: web.Request) -> web.Response:
    backend = request.app[BACKEND]
    viewer = backend.viewer(request)
    query = parse_list_query(request, LIST)
    rows = apply(backend.store.visible_tenants(viewer, backend.now()), query, LIST)
    page, links = paginate(request, rows, query)
    return respond(
        [render.tenant(t, backend.store) for t in page],
        included=_with_users(backend, page),
        links=links,
    )


def find_tenant(backend: Backend, request: web.Request, raw: str) -> TenantRecord:
    visible = {t.id for t in backend.store.visible_tenants(backend.viewer(request), backend.now())}
    return find(backend.store.tenants, raw, "UnitsUser", TENANT_WHERE, lambda t: t.id in visible)


async def show_tenant(request: web.Request) -> web.Response:
    backend = request.app[BACKEND]
    parse_include(request, frozenset(), "tenants")
    t = find_tenant(backend, request, request.match_info["id"])
    return respond(render.tenant(t, backend.store), included=_with_users(backend, [t]))


def _settings(attributes: dict[str, Any]) -> tuple[dict[str, Any], list[tuple[str, str]]]:
    """Per-tenancy settings shared by create and update."""
    changes: dict[str, Any] = {}
    problems: list[tuple[str, str]] = []
    for name in ("active_at", "inactive_at"):
        if name in attributes:
            raw = attributes[name]
            moment = parse_datetime(raw)
            if moment is None and not (name == "inactive_at" and raw is None):
                problems.append((name, "is not a valid datetime"))
            else:
                changes[name] = moment
    if "display_name_strategy" in attributes:
        strategy = attributes["display_name_strategy"]
        if blank(strategy):
            problems.append(("user_panel_config.display_name_strategy", "can't be blank"))
        elif strategy not in DISPLAY_NAME_STRATEGIES:
            problems.append(
                ("user_panel_config.display_name_strategy", "is not included in the list")
            )
        else:
            changes["display_name_strategy"] = strategy
    for name in FLAGS:
        if name in attributes:
            flag = as_bool(attributes[name])
            if flag is None:
                problems.append((name, "is not a boolean"))
            else:
                changes[name] = flag
    if "pin" in attributes:
        pin = attributes["pin"]
        if pin is not None and not (isinstance(pin, str) and DIGITS.match(pin)):
            problems.append(("pin", "is not a number"))
        else:
            changes["pin"] = pin or None
    for name, field in (
        ("directory_message", "directory_message"),
        ("display_first_name", "custom_first_name"),
        ("display_last_name", "custom_last_name"),
    ):
        if name in attributes:
            changes[field] = attributes[name] if isinstance(attributes[name], str) else None
    return changes, problems


async def create_tenant(request: web.Request) -> web.Response:
    backend = request.app[BACKEND]
    viewer = backend.viewer(request)
    store = backend.store
    data = await read_data(request)
    attributes = data["attributes"]
    unit_id = as_int(attributes.get("unit_id"))
    if unit_id is None:
        raise validation_error([("unit", "must exist")])
    visible = store.visible_unit_ids(viewer, backend.now())
    unit = find(store.units, str(unit_id), "Unit", UNIT_WHERE, lambda u: u.id in visible)
    require_admin(viewer, unit.building_id)
    changes, problems = _settings(attributes)
    email = attributes.get("email")
    user: UserRecord | None = None
    if blank(email):
        problems += [("user", "must exist"), ("user", "can't be blank")]
    elif not isinstance(email, str) or not EMAIL.match(email.strip()):
        problems.append(("email", "is invalid"))
    else:
        user = store.user_by_email(email)
        if user is None:  # a new ButterflyMX user; first and last name matter only then
            # Reference silent on this case's pointer: `user.first_name`, like its nested ones.
            for name in ("first_name", "last_name"):
                if blank(attributes.get(name)) or not isinstance(attributes.get(name), str):
                    problems.append((f"user.{name}", "can't be blank"))
        elif any(t.user_id == user.id for t in store.tenants_of_unit(unit.id)):
            problems.append(("user", "has already been taken"))
    if problems:
        raise validation_error(problems)
    now = backend.now()
    if user is None:
        assert isinstance(email, str)
        user = UserRecord(
            id=store.next_id("user"),
            first_name=attributes["first_name"].strip(),
            last_name=attributes["last_name"].strip(),
            email=email.strip(),
            phone_number=None,
            sms_phone_number=None,
            created_at=now,
            updated_at=now,
        )
        store.users[user.id] = user
    # The reference's create sample shows notifications off for a new tenancy.
    tenancy = TenantRecord(
        id=store.next_id("tenant"),
        user_id=user.id,
        unit_id=unit.id,
        active_at=now,
        inactive_at=None,
        created_at=now,
        updated_at=now,
        email_notifications=False,
        sms_notifications=False,
    )
    for name, value in changes.items():
        setattr(tenancy, name, value)
    store.tenants[tenancy.id] = tenancy
    return respond(render.tenant(tenancy, store), status=201)


async def update_tenant(request: web.Request) -> web.Response:
    backend = request.app[BACKEND]
    viewer = backend.viewer(request)
    tenancy = find_tenant(backend, request, request.match_info["id"])
    if tenancy.user_id != viewer.user_id:  # residents may change their own tenancy settings
        require_admin(viewer, backend.store.building_of_unit(tenancy.unit_id))
    data = await read_data(request)
    changes, problems = _settings(data["attributes"])
    if problems:
        raise validation_error(problems)
    for name, value in changes.items():
        setattr(tenancy, name, value)
    tenancy.updated_at = backend.now()
    return respond(render.tenant(tenancy, backend.store))


async def delete_tenant(request: web.Request) -> web.Response:
    backend = request.app[BACKEND]
    viewer = backend.viewer(request)
    tenancy = find_tenant(backend, request, request.match_info["id"])
    require_admin(viewer, backend.store.building_of_unit(tenancy.unit_id))
    del backend.store.tenants[tenancy.id]
    for integration in [
        i
        for i in backend.store.integrations.values()
        if i.scope == "tenant" and i.owner_id == tenancy.id
    ]:
        del backend.store.integrations[integration.id]
    return no_content()


async def set_pin(request: web.Request) -> web.Response:
    """`PUT /v3/pins`: the tenant id travels in `data.id`, the code in attributes."""
    backend = request.app[BACKEND]
    viewer = backend.viewer(request)
    data = await read_data(request)
    raw_id = data.get("id")
    if raw_id is None:
        raise validation_error([("/data/id", "can't be blank")])
    tenancy = find_tenant(backend, request, str(raw_id))
    if tenancy.user_id != viewer.user_id:
        require_admin(viewer, backend.store.building_of_unit(tenancy.unit_id))
    code = data["attributes"].get("code")
    if blank(code):
        raise validation_error([("code", "can't be blank")])
    if not isinstance(code, str) or not DIGITS.match(code):
        # Reference: "code -> string (must be numeric)"; length rules are not given.
        raise validation_error([("code", "is not a number")])
    tenancy.pin = code
    tenancy.updated_at = backend.now()
    return no_content()


async def show_pin(request: web.Request) -> web.Response:
    backend = request.app[BACKEND]
    tenancy = find_tenant(backend, request, request.match_info["id"])
    if tenancy.pin is None:
        # Reference silent on a tenant without a PIN: 404, as for a missing record.
        raise not_found("Pin", None, f"{TENANT_WHERE} AND `units_users`.`id` = {tenancy.id}")
    return respond(
        {
            "id": str(tenancy.id),
            "type": "pins",
            "attributes": {"code": tenancy.pin},
            "relationships": {"tenant": render.to_one("tenants", tenancy.id)},
        }
    )


def routes() -> list[web.RouteDef]:
    return [
        web.get("/api/v3/tenants", list_tenants),
        web.get("/api/v3/tenants/{id}", show_tenant),
        web.post("/api/v3/tenants", create_tenant),
        web.patch("/api/v3/tenants/{id}", update_tenant),
        web.put("/api/v3/tenants/{id}", update_tenant),
        web.delete("/api/v3/tenants/{id}", delete_tenant),
        web.put("/api/v3/pins", set_pin),
        web.get("/api/v3/pins/{id}", show_pin),
    ]
