"""v3 keychains (custom, recurring, one-time) and their virtual (QR) keys."""

from __future__ import annotations

from typing import Any

from aiohttp import web

from concierge.sandbox.butterflymx import render
from concierge.sandbox.butterflymx.context import BACKEND, Backend
from concierge.sandbox.butterflymx.errors import forbidden, validation_error
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
    relationship_id,
    respond,
)
from concierge.sandbox.butterflymx.records import KeychainRecord, VirtualKeyRecord
from concierge.sandbox.butterflymx.routes import keychain_rules as rules
from concierge.sandbox.butterflymx.routes.common import E164, EMAIL, UNIT_WHERE, blank, find
from concierge.sandbox.butterflymx.routes.tenants import find_tenant
from concierge.sandbox.butterflymx.store import Viewer

# Reference silent on keychain sort fields: these four; filters are the documented two.
LIST = ListSpec(
    resource="keychains",
    sortable={
        "created_at": lambda k: k.created_at,
        "name": lambda k: k.name,
        "starts_at": lambda k: k.starts_at,
        "ends_at": lambda k: k.ends_at,
    },
    filterable={
        "unit": Filter("int", lambda k: k.unit_id),
        "tenant": Filter("int", lambda k: k.tenant_id),
    },
    includable=frozenset({"virtual_keys"}),
)
KEYCHAIN_WHERE = (
    "`keychains`.`deleted_at` IS NULL AND `units_users`.`deleted_at` IS NULL AND "
    "`units_users`.`user_id` = ?"
)
KEY_WHERE = "`virtual_keys`.`deleted_at` IS NULL AND `virtual_keys`.`keychain_id` = ?"


def _keys(backend: Backend, keychains: list[KeychainRecord]) -> Included:
    included = Included()
    for k in keychains:
        for key_id in k.virtual_key_ids:
            included.add(render.virtual_key(backend.store.virtual_keys[key_id], k.kind))
    return included


def _visible(backend: Backend, viewer: Viewer) -> set[int]:
    return backend.store.visible_unit_ids(viewer, backend.now())


async def list_keychains(request: web.Request) -> web.Response:
    backend = request.app[BACKEND]
    viewer = backend.viewer(request)
    query = parse_list_query(request, LIST)
    units = _visible(backend, viewer)
    rows = apply((k for k in backend.store.keychains.values() if k.unit_id in units), query, LIST)
    page, links = paginate(request, rows, query)
    included = _keys(backend, page) if "virtual_keys" in query.include else None
    return respond([render.keychain(k) for k in page], included=included, links=links)


def _find_keychain(backend: Backend, request: web.Request, raw: str) -> KeychainRecord:
    units = _visible(backend, backend.viewer(request))
    return find(
        backend.store.keychains, raw, "Keychain", KEYCHAIN_WHERE, lambda k: k.unit_id in units
    )


async def show_keychain(request: web.Request) -> web.Response:
    backend = request.app[BACKEND]
    include = parse_include(request, LIST.includable, "keychains")
    k = _find_keychain(backend, request, request.match_info["id"])
    included = _keys(backend, [k]) if include else None
    return respond(render.keychain(k), included=included)


async def delete_keychain(request: web.Request) -> web.Response:
    backend = request.app[BACKEND]
    k = _find_keychain(backend, request, request.match_info["id"])
    for key_id in k.virtual_key_ids:  # "deletes the keychain and associated qr keys"
        backend.store.virtual_keys.pop(key_id, None)
    del backend.store.keychains[k.id]
    return no_content()


def _owner(
    backend: Backend, request: web.Request, viewer: Viewer, data: dict[str, Any]
) -> tuple[int, int | None]:
    """(unit id, tenant id) from the `tenant` or `unit` relationship ([000] allows either)."""
    linkage = relationship_id(data, "tenant", "tenants", "unit", "units")
    if linkage is None:
        raise validation_error([("unit", "must exist")])
    name, raw = linkage
    if name.startswith("tenant"):
        tenancy = find_tenant(backend, request, str(raw))
        building = backend.store.building_of_unit(tenancy.unit_id)
        if tenancy.user_id != viewer.user_id and building not in viewer.admin_buildings:
            raise forbidden("Keys for another tenant need a building admin")
        return tenancy.unit_id, tenancy.id
    units = _visible(backend, viewer)
    unit = find(backend.store.units, str(raw), "Unit", UNIT_WHERE, lambda u: u.id in units)
    return unit.id, None


async def _create(request: web.Request, kind: str) -> web.Response:
    backend = request.app[BACKEND]
    viewer = backend.viewer(request)
    data = await read_data(request)
    attributes = data["attributes"]
    unit_id, tenant_id = _owner(backend, request, viewer, data)
    problems: list[tuple[str, str]] = []
    name = attributes.get("name")
    if blank(name) or not isinstance(name, str):
        problems.append(("name", "can't be blank"))
    fields: dict[str, Any]
    if kind == "recurring":
        fields, more = rules.recurring(attributes)
    else:
        starts, ends, more = rules.window(attributes)
        fields = {"starts_at": starts, "ends_at": ends}
    recipients, bad_recipients = rules.recipients(attributes.get("recipients"))
    problems += more + bad_recipients
    if problems:
        raise validation_error(problems)
    assert isinstance(name, str)
    store, now = backend.store, backend.now()
    keychain = KeychainRecord(
        id=store.next_id("keychain"),
        name=name,
        kind=kind,
        unit_id=unit_id,
        tenant_id=tenant_id,
        created_at=now,
        **fields,
    )
    store.keychains[keychain.id] = keychain
    for email, sms in recipients:  # each key is named after its keychain
        _add_key(backend, keychain, name, email, sms)
    return respond(render.keychain(keychain), included=_keys(backend, [keychain]), status=201)


def _add_key(
    backend: Backend, keychain: KeychainRecord, name: str, email: str | None, sms: str | None
) -> VirtualKeyRecord:
    store, now = backend.store, backend.now()
    key = VirtualKeyRecord(
        id=store.next_id("virtual_key"),
        keychain_id=keychain.id,
        name=name,
        qr_code_image_url=store.qr_code_url(now),
        email=email,
        sms_number=sms,
        created_at=now,
    )
    store.virtual_keys[key.id] = key
    keychain.virtual_key_ids.append(key.id)
    return key


async def create_custom(request: web.Request) -> web.Response:
    return await _create(request, "custom")


async def create_recurring(request: web.Request) -> web.Response:
    return await _create(request, "recurring")


async def create_one_time(request: web.Request) -> web.Response:
    # Reference ([000]) names the operation without a path or kind: `/one_time`, `one_time`.
    return await _create(request, "one_time")


async def create_virtual_key(request: web.Request) -> web.Response:
    backend = request.app[BACKEND]
    keychain = _find_keychain(backend, request, request.match_info["keychain_id"])
    data = await read_data(request)
    attributes = data["attributes"]
    # Reference contradictory: "recipients required", yet the example sends one `email`
    # or `sms_number`. We take the single e-mail / SMS number, as the example does.
    email, sms = attributes.get("email"), attributes.get("sms_number")
    problems: list[tuple[str, str]] = []
    if blank(email) and blank(sms):
        problems.append(("email", "can't be blank"))
    if not blank(email) and not (isinstance(email, str) and EMAIL.match(email)):
        problems.append(("email", f"{email} is invalid"))
    if not blank(sms) and not (isinstance(sms, str) and E164.match(sms)):
        problems.append(("sms_number", f"{sms} is invalid"))
    name = attributes.get("name")
    if name is not None and (not isinstance(name, str) or blank(name)):
        problems.append(("name", "can't be blank"))
    if problems:
        raise validation_error(problems)
    key = _add_key(
        backend,
        keychain,
        name if isinstance(name, str) else keychain.name,
        email if isinstance(email, str) and email else None,
        sms if isinstance(sms, str) and sms else None,
    )
    return respond(render.virtual_key(key, keychain.kind), status=201)


async def delete_virtual_key(request: web.Request) -> web.Response:
    backend = request.app[BACKEND]
    keychain = _find_keychain(backend, request, request.match_info["keychain_id"])
    key = find(
        backend.store.virtual_keys,
        request.match_info["id"],
        "VirtualKey",
        KEY_WHERE,
        lambda v: v.keychain_id == keychain.id,
    )
    del backend.store.virtual_keys[key.id]
    keychain.virtual_key_ids.remove(key.id)
    return no_content()


def routes() -> list[web.RouteDef]:
    return [
        web.get("/api/v3/me/keychains", list_keychains),
        web.post("/api/v3/me/keychains/custom", create_custom),
        web.post("/api/v3/me/keychains/recurring", create_recurring),
        web.post("/api/v3/me/keychains/one_time", create_one_time),
        web.get("/api/v3/me/keychains/{id}", show_keychain),
        web.delete("/api/v3/me/keychains/{id}", delete_keychain),
        web.post("/api/v3/me/keychains/{keychain_id}/virtual_keys", create_virtual_key),
        web.delete("/api/v3/me/keychains/{keychain_id}/virtual_keys/{id}", delete_virtual_key),
    ]
