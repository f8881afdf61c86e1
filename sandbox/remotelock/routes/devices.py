"""Devices: list/get, register and update locks, deregister, lock/unlock, and who has access."""

from __future__ import annotations

import re
from typing import Any

from aiohttp import web

from concierge.sandbox.remotelock.core import Core, core_of
from concierge.sandbox.remotelock.errors import single
from concierge.sandbox.remotelock.jsonapi import no_content, one, read_body
from concierge.sandbox.remotelock.listing import CollectionSpec, collection
from concierge.sandbox.remotelock.resources import DEVICE_TYPES
from concierge.sandbox.remotelock.routes.common import Route, found
from concierge.sandbox.remotelock.store import Record, touch
from concierge.sandbox.remotelock.validation import TAKEN, Fields

SPEC = CollectionSpec(
    sortable=("created_at", "name"),
    default_sort=("created_at",),
    types=DEVICE_TYPES,
    filters=("location_id", "model_id", "lock_action_schedule_id"),
)
ACCESS_SPEC = CollectionSpec(
    sortable=("created_at", "updated_at"),
    default_sort=("created_at",),
    types=("access_person_access",),
    filters=("access_person_type", "accessible_type", "access_schedule_id"),
    filter_values={"access_person_type": ("access_user", "access_guest")},
)
POWER_SOURCES = ("hardwire", "alkaline_battery", "lithium_battery")
FIRST_WAKE_S = 2.0  # a newly registered lock connects for the first time this much later
_CODE = re.compile(r"^\d{4,8}$")


def _lock(core: Core, request: web.Request) -> Record:
    return found(core.store.devices, request.match_info["id"], "Device")


def _capabilities(core: Core, device: Record) -> dict[str, Any]:
    model = core.store.models.get(device.attributes["model_id"])
    return {} if model is None else dict(model.attributes["capabilities"])


def _serial_taken(core: Core, serial: str, except_id: str | None = None) -> bool:
    return any(
        d.attributes["serial_number"] == serial and d.id != except_id
        for d in core.store.devices.values()
    )


async def list_devices(request: web.Request) -> web.Response:
    core = core_of(request)
    view = core.view(request)
    return collection(request, (view.render(d) for d in core.store.devices.values()), SPEC)


async def get_device(request: web.Request) -> web.Response:
    core = core_of(request)
    return one(core.view(request).render(_lock(core, request)))


async def register_device(request: web.Request) -> web.Response:
    core = core_of(request)
    store = core.store
    body = await read_body(request)
    fields = Fields(body.attributes)
    fields.text("name", required=True)
    fields.text("serial_number", required=True)
    fields.text("programming_code", pattern=_CODE)
    model = fields.reference("model_id", store.models, ("model",), required=True)
    fields.reference("location_id", store.locations, ("location",), required=True)
    serial = fields.changes.get("serial_number")
    if serial is not None and _serial_taken(core, serial):
        fields.problems.add("serial_number", TAKEN)
    if model is not None:
        caps = model.attributes["capabilities"]
        if model.attributes["type"] != "lock":
            # The reference documents plugs, thermostats and resort locks too; the sandbox
            # simulates locks only.
            fields.problems.add("model_id", "is not a lock model (the sandbox simulates locks)")
        elif not caps.get("registrable", False):
            fields.problems.add("model_id", "cannot be registered through the API")
    fields.problems.raise_if_any()
    assert model is not None
    caps = model.attributes["capabilities"]
    now = core.now_iso()
    record = core.store.add(
        store.devices,
        Record(
            "lock",
            core.ids.uuid(),
            {
                "name": fields.changes["name"],
                "heartbeat_interval": 1200,
                "wifi_level": 0,
                "signal_quality": core.ids.rng.randint(1, 4),
                "connected": False,
                "alive": False,
                "power_source": (caps.get("power_sources") or ["alkaline_battery"])[0],
                "connected_at": None,
                "serial_number": serial,
                "wake_wifi": "user_action",
                "muted": False,
                "auto_lock": False,
                "auto_lock_timeout": 20,
                "programming_code": fields.changes.get("programming_code") or "123456",
                "state": "locked",
                "power_level": 100,
                "created_at": now,
                "updated_at": now,
                "default_guest_start_time": None,
                "default_guest_end_time": None,
                "local_pins": [],
                "model_id": model.id,
                "location_id": fields.changes["location_id"],
            },
        ),
    )

    def first_wake() -> None:
        if record.id in store.devices:
            record.attributes.update(connected=True, alive=True, connected_at=core.now_iso())
            touch(record, core.clock)
            core.record_device_event(
                record, "connectivity", {"connected_at": record.attributes["connected_at"]}
            )

    core.scheduler.call_later(FIRST_WAKE_S, first_wake)
    return one(core.view(request).render(record), 201)


def _read_settings(core: Core, device: Record, fields: Fields) -> None:
    store, attrs, caps = core.store, device.attributes, _capabilities(core, device)
    for name in ("name", "serial_number"):
        if fields.given(name):
            fields.text(name, required=True)
    fields.text("programming_code", pattern=_CODE)
    serial = fields.changes.get("serial_number")
    if serial is not None and _serial_taken(core, serial, device.id):
        fields.problems.add("serial_number", TAKEN)

    def options(name: str, key: str, fallback: tuple[Any, ...]) -> tuple[Any, ...]:
        # The model's capabilities bound the settings; the current value is always accepted.
        return (*(caps.get(key) or fallback), attrs.get(name))

    fields.integer(
        "heartbeat_interval", options=options("heartbeat_interval", "heartbeat_intervals", ())
    )
    fields.choice("wake_wifi", options("wake_wifi", "wake_wifi", ()))
    fields.boolean("muted")
    fields.boolean("auto_lock")
    fields.integer(
        "auto_lock_timeout", options=(0, *options("auto_lock_timeout", "auto_lock_timeouts", ()))
    )
    fields.reference("auto_lock_schedule_id", store.schedules, ("auto_lock_schedule",))
    fields.reference("lock_action_schedule_id", store.schedules, ("lock_action_schedule",))
    if fields.given("location_id"):
        fields.reference("location_id", store.locations, ("location",), required=True)
    fields.time("default_guest_start_time")
    fields.time("default_guest_end_time")
    fields.choice("power_source", POWER_SOURCES)
    if fields.given("local_pins"):
        pins = fields.attributes["local_pins"]
        current = set(attrs.get("local_pins") or [])
        if not isinstance(pins, list) or not all(isinstance(p, str) for p in pins):
            fields.problems.add("local_pins", "is invalid")
        elif not set(pins) <= current:
            fields.problems.add("local_pins", "can only remove PINs programmed at the keypad")
        else:
            fields.changes["local_pins"] = [p for p in attrs.get("local_pins") or [] if p in pins]


async def update_device(request: web.Request) -> web.Response:
    core = core_of(request)
    device = _lock(core, request)
    body = await read_body(request)
    fields = Fields(body.attributes)
    _read_settings(core, device, fields)
    fields.problems.raise_if_any()
    changes = fields.changes
    # Reference: auto_lock_schedule_id is accepted but never appears in a response.
    changes.pop("auto_lock_schedule_id", None)
    if "lock_action_schedule_id" in changes and changes["lock_action_schedule_id"] is None:
        del changes["lock_action_schedule_id"]
        device.attributes.pop("lock_action_schedule_id", None)
    device.attributes.update(changes)
    touch(device, core.clock)
    return one(core.view(request).render(device))


async def deregister_device(request: web.Request) -> web.Response:
    core = core_of(request)
    store = core.store
    device = _lock(core, request)
    # Reference silent: deregistering a lock with accesses is undocumented; they go with it.
    for access in [
        a
        for a in store.accesses.values()
        if a.attributes["accessible_type"] == "lock" and a.attributes["accessible_id"] == device.id
    ]:
        del store.accesses[access.id]
    for sub in [
        s for s in store.subscriptions.values() if s.attributes["publisher_id"] == device.id
    ]:
        del store.subscriptions[sub.id]
    del store.devices[device.id]
    return no_content()


async def _command(request: web.Request, target: str) -> web.Response:
    core = core_of(request)
    device = _lock(core, request)
    if device.type != "lock":
        raise single(device.attributes, None, f"{device.type} cannot be {target}")
    core.command(device, target)
    return one(core.view(request).render(device))


async def lock_device(request: web.Request) -> web.Response:
    return await _command(request, "locked")


async def unlock_device(request: web.Request) -> web.Response:
    return await _command(request, "unlocked")


def accesses_covering(core: Core, device: Record) -> list[Record]:
    """Accesses that reach the lock directly or through its location."""
    location = device.attributes["location_id"]
    return [
        a
        for a in core.store.accesses.values()
        if (a.attributes["accessible_type"], a.attributes["accessible_id"])
        in (("lock", device.id), ("location", location))
    ]


async def device_accesses(request: web.Request) -> web.Response:
    core = core_of(request)
    device = _lock(core, request)
    view = core.view(request)
    return collection(
        request, (view.render(a) for a in accesses_covering(core, device)), ACCESS_SPEC
    )


ROUTES: list[Route] = [
    ("GET", "/devices", list_devices),
    ("GET", "/devices/{id}", get_device),
    ("POST", "/devices", register_device),
    ("PUT", "/devices/{id}", update_device),
    ("DELETE", "/devices/{id}", deregister_device),
    ("PUT", "/devices/{id}/lock", lock_device),
    ("PUT", "/devices/{id}/unlock", unlock_device),
    ("GET", "/devices/{id}/access_person_accesses", device_accesses),
]
