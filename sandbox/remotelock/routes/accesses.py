"""An access person's accesses: which lock or location they open, on which schedule."""

from __future__ import annotations

from aiohttp import web

from concierge.sandbox.remotelock.core import Core, core_of
from concierge.sandbox.remotelock.errors import not_found, single
from concierge.sandbox.remotelock.events import build_event
from concierge.sandbox.remotelock.jsonapi import no_content, one, read_body
from concierge.sandbox.remotelock.listing import CollectionSpec, collection
from concierge.sandbox.remotelock.resources import person_status
from concierge.sandbox.remotelock.routes.common import Route, found
from concierge.sandbox.remotelock.store import Record, touch
from concierge.sandbox.remotelock.validation import TAKEN, Fields

SPEC = CollectionSpec(
    sortable=("created_at", "updated_at"),
    default_sort=("created_at",),
    types=("access_person_access",),
    filters=("accessible_type", "accessible_id", "access_schedule_id"),
    filter_values={"accessible_type": ("lock", "acs_door", "door_group", "location")},
)
ACCESSIBLE_TYPES = ("lock", "acs_door", "door_group", "location")
SYNC_DELAY_S = 1.0  # how long connected locks take to receive a new credential


def _person(core: Core, request: web.Request) -> Record:
    return found(core.store.access_persons, request.match_info["access_person_id"], "Access person")


def _access(core: Core, request: web.Request, person: Record) -> Record:
    access = found(core.store.accesses, request.match_info["id"], "Access")
    if access.attributes["access_person_id"] != person.id:
        raise not_found("Access")
    return access


def _devices_reached(core: Core, kind: str, ident: str) -> list[Record]:
    if kind == "lock":
        return [core.store.devices[ident]]
    return [d for d in core.store.devices.values() if d.attributes["location_id"] == ident]


async def list_accesses(request: web.Request) -> web.Response:
    core = core_of(request)
    person = _person(core, request)
    view = core.view(request)
    mine = (
        view.render(a)
        for a in core.store.accesses.values()
        if a.attributes["access_person_id"] == person.id
    )
    return collection(request, mine, SPEC)


async def get_access(request: web.Request) -> web.Response:
    core = core_of(request)
    person = _person(core, request)
    return one(core.view(request).render(_access(core, request, person)))


async def grant_access(request: web.Request) -> web.Response:
    core = core_of(request)
    store = core.store
    person = _person(core, request)
    body = await read_body(request)
    status = person_status(core.store, person, core.clock.now())
    if status in ("deactivated", "expired"):
        raise single(
            body.attributes, None, f"Access person is {status} and cannot be granted access"
        )
    fields = Fields(body.attributes)
    fields.choice("accessible_type", ACCESSIBLE_TYPES, required=True)
    kind = fields.changes.get("accessible_type")
    # The sandbox has no ACS doors or door groups, so those ids never exist.
    targets = {"lock": (store.devices, ("lock",)), "location": (store.locations, ("location",))}
    records, types = targets.get(kind or "", ({}, ()))
    fields.reference("accessible_id", records, types, required=True)
    fields.reference("access_schedule_id", store.schedules, ("access_schedule",))
    fields.time("guest_start_time")
    fields.time("guest_end_time")
    target = fields.changes.get("accessible_id")
    if target is not None and any(
        a.attributes["access_person_id"] == person.id and a.attributes["accessible_id"] == target
        for a in store.accesses.values()
    ):
        # Reference silent: granting the same accessible twice is undocumented; we refuse it.
        fields.problems.add("accessible_id", TAKEN)
    fields.problems.raise_if_any()
    assert kind is not None
    assert target is not None
    devices = _devices_reached(core, kind, target)
    now = core.now_iso()
    changes = fields.changes
    attributes = {
        "guest_start_time": changes.get("guest_start_time"),
        "guest_end_time": changes.get("guest_end_time"),
        "devices_count": len(devices),
        "devices_synced_count": 0,
        "devices_pending_sync_count": len(devices),
        "devices_failed_sync_count": 0,
        "accessible_type": kind,
        "created_at": now,
        "updated_at": now,
    }
    if changes.get("access_schedule_id"):
        attributes["access_schedule_id"] = changes["access_schedule_id"]
    attributes |= {
        "access_person_id": person.id,
        "access_person_type": person.type,
        "accessible_id": target,
    }
    access = store.add(store.accesses, Record("access_person_access", core.ids.uuid(), attributes))
    _schedule_sync(core, access, person, devices)
    return one(core.view(request).render(access), 201)


def _schedule_sync(core: Core, access: Record, person: Record, devices: list[Record]) -> None:
    """Connected locks take the credential a moment later (pending -> synced, with an event)."""
    event_ids = [core.ids.uuid() for _ in devices]

    def sync() -> None:
        attrs = access.attributes
        if access.id not in core.store.accesses:
            return
        for device, event_id in zip(devices, event_ids, strict=True):
            if device.id not in core.store.devices or not device.attributes["connected"]:
                continue  # offline locks keep it pending until they wake
            attrs["devices_synced_count"] += 1
            attrs["devices_pending_sync_count"] -= 1
            core.events.publish(
                build_event(
                    "access_person_synced",
                    event_id,
                    publisher=("lock", device.id),
                    time_zone=core.time_zone_of(device),
                    occurred_at=core.clock.time(),
                    details={"associated_resource_name": None},
                    associated=(person.type, person.id),
                )
            )
        touch(access, core.clock)

    core.scheduler.call_later(SYNC_DELAY_S, sync)


async def update_access(request: web.Request) -> web.Response:
    core = core_of(request)
    person = _person(core, request)
    access = _access(core, request, person)
    body = await read_body(request)
    fields = Fields(body.attributes)
    for name in ("accessible_type", "accessible_id"):
        if fields.given(name) and fields.attributes[name] != access.attributes[name]:
            fields.problems.add(name, "cannot be changed; revoke the access and grant a new one")
    fields.reference("access_schedule_id", core.store.schedules, ("access_schedule",))
    fields.problems.raise_if_any()
    if "access_schedule_id" in fields.changes:
        schedule = fields.changes["access_schedule_id"]
        if schedule is None:
            access.attributes.pop("access_schedule_id", None)
        else:
            access.attributes["access_schedule_id"] = schedule
    touch(access, core.clock)
    return one(core.view(request).render(access))


async def revoke_access(request: web.Request) -> web.Response:
    core = core_of(request)
    person = _person(core, request)
    access = _access(core, request, person)
    del core.store.accesses[access.id]
    return no_content()


ROUTES: list[Route] = [
    ("GET", "/access_persons/{access_person_id}/accesses", list_accesses),
    ("GET", "/access_persons/{access_person_id}/accesses/{id}", get_access),
    ("POST", "/access_persons/{access_person_id}/accesses", grant_access),
    ("PUT", "/access_persons/{access_person_id}/accesses/{id}", update_access),
    ("DELETE", "/access_persons/{access_person_id}/accesses/{id}", revoke_access),
]
