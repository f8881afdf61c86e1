"""Schedules: access, auto-lock, lock-action, power-plug and thermostat weekly plans."""

from __future__ import annotations

from typing import Any

from aiohttp import web

from concierge.sandbox.remotelock.core import core_of
from concierge.sandbox.remotelock.jsonapi import no_content, one, read_body
from concierge.sandbox.remotelock.listing import CollectionSpec, collection
from concierge.sandbox.remotelock.resources import DAYS, SCHEDULE_TYPES
from concierge.sandbox.remotelock.routes.common import Route, check_type, found
from concierge.sandbox.remotelock.store import Record, touch
from concierge.sandbox.remotelock.validation import Fields, time_of_day

SPEC = CollectionSpec(
    sortable=("created_at", "name"), default_sort=("created_at",), types=SCHEDULE_TYPES
)


def _valid_entry(kind: str, entry: Any) -> bool:
    """One day entry of a schedule of `kind`, with exactly the documented keys."""
    if not isinstance(entry, dict):
        return False

    def is_time(key: str) -> bool:
        return isinstance(entry.get(key), str) and time_of_day(entry[key]) is not None

    if kind == "access_schedule":
        return (
            set(entry) == {"start_time", "end_time"}
            and is_time("start_time")
            and is_time("end_time")
        )
    if not is_time("time"):
        return False
    if kind == "auto_lock_schedule":
        return set(entry) == {"time", "enable"} and isinstance(entry["enable"], bool)
    if kind in ("lock_action_schedule", "power_plug_schedule"):
        actions = ("lock", "unlock") if kind == "lock_action_schedule" else ("on", "off")
        return set(entry) == {"time", "action"} and entry["action"] in actions
    return set(entry) == {"time", "cool", "heat"} and all(
        isinstance(entry[k], (int, float)) and not isinstance(entry[k], bool)
        for k in ("cool", "heat")
    )


def _read_days(fields: Fields, kind: str) -> None:
    for day in DAYS:
        if not fields.given(day):
            continue
        entries = fields.attributes[day]
        if entries is None:
            fields.changes[day] = []
        elif not isinstance(entries, list) or not all(_valid_entry(kind, e) for e in entries):
            fields.problems.add(day, "is invalid")
        else:
            fields.changes[day] = [dict(e) for e in entries]


async def list_schedules(request: web.Request) -> web.Response:
    core = core_of(request)
    view = core.view(request)
    return collection(request, (view.render(s) for s in core.store.schedules.values()), SPEC)


async def get_schedule(request: web.Request) -> web.Response:
    core = core_of(request)
    record = found(core.store.schedules, request.match_info["id"], "Schedule")
    return one(core.view(request).render(record))


async def create_schedule(request: web.Request) -> web.Response:
    core = core_of(request)
    body = await read_body(request)
    fields = Fields(body.attributes)
    kind = check_type(body.type, SCHEDULE_TYPES, fields.problems, required=True)
    fields.text("name", required=True)
    # Reference: access_exception_id is accepted on access schedules but never echoed.
    fields.text("access_exception_id")
    if kind is not None:
        _read_days(fields, kind)
    fields.problems.raise_if_any()
    assert kind is not None
    now = core.now_iso()
    attributes: dict[str, Any] = {"name": fields.changes["name"]}
    attributes |= {day: fields.changes.get(day, []) for day in DAYS}
    attributes |= {"created_at": now, "updated_at": now}
    record = core.store.add(core.store.schedules, Record(kind, core.ids.uuid(), attributes))
    return one(core.view(request).render(record), 201)


async def update_schedule(request: web.Request) -> web.Response:
    core = core_of(request)
    record = found(core.store.schedules, request.match_info["id"], "Schedule")
    body = await read_body(request)
    fields = Fields(body.attributes)
    if fields.given("name"):
        fields.text("name", required=True)
    fields.text("access_exception_id")
    _read_days(fields, record.type)
    fields.problems.raise_if_any()
    fields.changes.pop("access_exception_id", None)
    # Reference contradictory: its update example answers every day empty after a name-only
    # PUT; like every other PUT we treat the body as partial and keep the days not sent.
    record.attributes.update(fields.changes)
    touch(record, core.clock)
    return one(core.view(request).render(record))


async def delete_schedule(request: web.Request) -> web.Response:
    core = core_of(request)
    store = core.store
    record = found(store.schedules, request.match_info["id"], "Schedule")
    # Reference silent: deleting a schedule in use is undocumented; references to it go away.
    for holder in [*store.accesses.values(), *store.devices.values()]:
        for key in ("access_schedule_id", "lock_action_schedule_id"):
            if holder.attributes.get(key) == record.id:
                del holder.attributes[key]
                touch(holder, core.clock)
    del store.schedules[record.id]
    return no_content()


ROUTES: list[Route] = [
    ("GET", "/schedules", list_schedules),
    ("GET", "/schedules/{id}", get_schedule),
    ("POST", "/schedules", create_schedule),
    ("PUT", "/schedules/{id}", update_schedule),
    ("DELETE", "/schedules/{id}", delete_schedule),
]
