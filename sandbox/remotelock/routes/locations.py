"""Locations: `/locations` CRUD (one location per demo building)."""

from __future__ import annotations

import functools
import re
import zoneinfo

from aiohttp import web

from concierge.sandbox.remotelock.core import core_of
from concierge.sandbox.remotelock.errors import single
from concierge.sandbox.remotelock.jsonapi import no_content, one, read_body
from concierge.sandbox.remotelock.listing import CollectionSpec, collection
from concierge.sandbox.remotelock.routes.common import Route, check_type, found
from concierge.sandbox.remotelock.store import Record, touch
from concierge.sandbox.remotelock.validation import Fields

SPEC = CollectionSpec(sortable=("created_at", "name"), default_sort=("name",), types=("location",))
FIELDS = (
    "name",
    "phone",
    "address",
    "address2",
    "city",
    "state",
    "postal_code",
    "country",
    "time_zone",
)
_COUNTRY = re.compile(r"^[A-Z]{2}$")


@functools.cache
def _zones() -> frozenset[str]:
    return frozenset(zoneinfo.available_timezones())


def _read(fields: Fields, *, creating: bool) -> None:
    fields.text("name", required=creating or fields.given("name"))
    for name in ("phone", "address", "address2", "city", "state", "postal_code"):
        fields.text(name)
    if fields.given("address_2") and not fields.given("address2"):
        # Reference contradictory: the parameter table says address_2, the example body and
        # every response say address2; we accept both and answer address2.
        fields.text("address_2")
        if "address_2" in fields.changes:
            fields.changes["address2"] = fields.changes.pop("address_2")
    fields.text("country", pattern=_COUNTRY, message="must be an ISO 3166-1 alpha-2 code")
    if creating or fields.given("time_zone"):
        fields.choice("time_zone", _zones(), required=True)


async def list_locations(request: web.Request) -> web.Response:
    core = core_of(request)
    view = core.view(request)
    return collection(request, (view.render(r) for r in core.store.locations.values()), SPEC)


async def get_location(request: web.Request) -> web.Response:
    core = core_of(request)
    record = found(core.store.locations, request.match_info["id"], "Location")
    return one(core.view(request).render(record))


async def create_location(request: web.Request) -> web.Response:
    core = core_of(request)
    body = await read_body(request)
    fields = Fields(body.attributes)
    check_type(body.type, ("location",), fields.problems, required=False)
    _read(fields, creating=True)
    fields.problems.raise_if_any()
    now = core.now_iso()
    attributes = {name: fields.changes.get(name) for name in FIELDS}
    record = core.store.add(
        core.store.locations,
        Record("location", core.ids.uuid(), attributes | {"created_at": now, "updated_at": now}),
    )
    return one(core.view(request).render(record), 201)


async def update_location(request: web.Request) -> web.Response:
    core = core_of(request)
    record = found(core.store.locations, request.match_info["id"], "Location")
    body = await read_body(request)
    fields = Fields(body.attributes)
    _read(fields, creating=False)
    fields.problems.raise_if_any()
    record.attributes.update({k: v for k, v in fields.changes.items() if k in FIELDS})
    touch(record, core.clock)
    return one(core.view(request).render(record))


async def delete_location(request: web.Request) -> web.Response:
    core = core_of(request)
    store = core.store
    record = found(store.locations, request.match_info["id"], "Location")
    if any(d.attributes["location_id"] == record.id for d in store.devices.values()):
        # Reference silent: deleting a location that still has devices is undocumented; we
        # refuse (422) rather than orphan the devices.
        raise single(
            record.attributes,
            None,
            "Location has devices; move or deregister them before deleting it",
        )
    for access in [
        a
        for a in store.accesses.values()
        if a.attributes["accessible_type"] == "location"
        and a.attributes["accessible_id"] == record.id
    ]:
        del store.accesses[access.id]
    for sub in [
        s
        for s in store.subscriptions.values()
        if s.attributes["publisher_type"] == "location"
        and s.attributes["publisher_id"] == record.id
    ]:
        del store.subscriptions[sub.id]
    del store.locations[record.id]
    return no_content()


ROUTES: list[Route] = [
    ("GET", "/locations", list_locations),
    ("GET", "/locations/{id}", get_location),
    ("POST", "/locations", create_location),
    ("PUT", "/locations/{id}", update_location),
    ("DELETE", "/locations/{id}", delete_location),
]
