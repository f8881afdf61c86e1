"""Notification subscriptions: which publisher's events go to which subscriber."""

from __future__ import annotations

from typing import Any

from aiohttp import web

from concierge.sandbox.remotelock.core import Core, core_of
from concierge.sandbox.remotelock.events import ALL_EVENT_TYPES, LOCK_EVENT_TYPES
from concierge.sandbox.remotelock.jsonapi import no_content, one, read_body
from concierge.sandbox.remotelock.listing import CollectionSpec, collection
from concierge.sandbox.remotelock.resources import SUBSCRIBER_TYPES
from concierge.sandbox.remotelock.routes.common import Route, check_type, found
from concierge.sandbox.remotelock.store import Record, touch
from concierge.sandbox.remotelock.validation import Fields

SUBSCRIPTION_SPEC = CollectionSpec(
    sortable=("created_at",),
    default_sort=("created_at",),
    types=("notification_subscription",),
    filters=("publisher_type", "publisher_id", "subscriber_type", "subscriber_id"),
)
_SYNC = ("access_person_synced", "access_person_sync_failed", "access_guest_late_sync", "reset")
PUBLISHER_EVENTS: dict[str, tuple[str, ...]] = {
    "account": ALL_EVENT_TYPES,
    "location": ALL_EVENT_TYPES,
    "access_user": ("access_person_used",),
    "access_guest": ("access_person_used",),
    "lock": (*LOCK_EVENT_TYPES, *_SYNC, "connectivity", "power_level_low", "battery_replaced"),
    "thermostat": ("connectivity", "power_level_low", "temperature_changed", "humidity_changed"),
    "power_plug": ("connectivity", "relay_enabled", "relay_disabled"),
    "acs_door": (
        *LOCK_EVENT_TYPES,
        *_SYNC,
        "acs_door_opened",
        "acs_door_closed",
        "acs_door_held_open",
        "acs_requested_to_exit",
    ),
    "acs_controller": ("connectivity",),
}


def _publisher_exists(core: Core, kind: str, ident: str) -> bool:
    store = core.store
    if kind == "account":
        return ident == store.account.id
    if kind == "location":
        return ident in store.locations
    holder = store.access_persons if kind in ("access_user", "access_guest") else store.devices
    record = holder.get(ident)
    return record is not None and record.type == kind


def _events_problem(publisher_type: str, events: Any) -> str | None:
    allowed = PUBLISHER_EVENTS[publisher_type]
    extras = (
        {"first_access", "created_by_integration"} if allowed == ("access_person_used",) else set()
    )
    if not isinstance(events, list) or not events:
        return "can't be blank"
    for entry in events:
        if not isinstance(entry, dict) or entry.get("event_type") not in allowed:
            return f"contains an event type {publisher_type} does not publish"
        if set(entry) - {"event_type"} - extras or any(
            not isinstance(entry[k], bool) for k in set(entry) & extras
        ):
            return "contains unsupported properties"
    return None


def _read_subscription(core: Core, fields: Fields, current: dict[str, Any]) -> None:
    for name, options in (
        ("publisher_type", tuple(PUBLISHER_EVENTS)),
        ("subscriber_type", SUBSCRIBER_TYPES),
    ):
        if not current or fields.given(name):
            fields.choice(name, options, required=True)
    for name in ("publisher_id", "subscriber_id"):
        if not current or fields.given(name):
            fields.text(name, required=True)
    if fields.problems:
        return
    merged = current | fields.changes
    if not _publisher_exists(core, merged["publisher_type"], merged["publisher_id"]):
        fields.problems.add("publisher_id", "does not exist")
    subscriber = core.store.subscribers.get(merged["subscriber_id"])
    if subscriber is None or subscriber.type != merged["subscriber_type"]:
        fields.problems.add("subscriber_id", "does not exist")
    if not current or fields.given("events"):
        events = fields.attributes.get("events")
        problem = _events_problem(merged["publisher_type"], events)
        if problem or not isinstance(events, list):
            fields.problems.add("events", problem or "is invalid")
        else:
            fields.changes["events"] = [dict(e) for e in events]
    elif _events_problem(merged["publisher_type"], current["events"]):
        fields.problems.add("events", "do not match the new publisher_type")


async def list_subscriptions(request: web.Request) -> web.Response:
    core = core_of(request)
    view = core.view(request)
    return collection(
        request, (view.render(s) for s in core.store.subscriptions.values()), SUBSCRIPTION_SPEC
    )


async def get_subscription(request: web.Request) -> web.Response:
    core = core_of(request)
    record = found(core.store.subscriptions, request.match_info["id"], "Notification subscription")
    return one(core.view(request).render(record))


async def create_subscription(request: web.Request) -> web.Response:
    core = core_of(request)
    body = await read_body(request)
    fields = Fields(body.attributes)
    check_type(body.type, ("notification_subscription",), fields.problems, required=False)
    _read_subscription(core, fields, {})
    fields.problems.raise_if_any()
    now = core.now_iso()
    c = fields.changes
    record = core.store.add(
        core.store.subscriptions,
        Record(
            "notification_subscription",
            core.ids.uuid(),
            {
                "events": c["events"],
                "created_at": now,
                "updated_at": now,
                "subscriber_id": c["subscriber_id"],
                "subscriber_type": c["subscriber_type"],
                "publisher_id": c["publisher_id"],
                "publisher_type": c["publisher_type"],
            },
        ),
    )
    return one(core.view(request).render(record), 201)


async def update_subscription(request: web.Request) -> web.Response:
    core = core_of(request)
    record = found(core.store.subscriptions, request.match_info["id"], "Notification subscription")
    body = await read_body(request)
    fields = Fields(body.attributes)
    _read_subscription(core, fields, dict(record.attributes))
    fields.problems.raise_if_any()
    record.attributes.update(fields.changes)
    touch(record, core.clock)
    return one(core.view(request).render(record))


async def delete_subscription(request: web.Request) -> web.Response:
    core = core_of(request)
    record = found(core.store.subscriptions, request.match_info["id"], "Notification subscription")
    del core.store.subscriptions[record.id]
    return no_content()


ROUTES: list[Route] = [
    ("GET", "/notification_subscriptions", list_subscriptions),
    ("GET", "/notification_subscriptions/{id}", get_subscription),
    ("POST", "/notification_subscriptions", create_subscription),
    ("PUT", "/notification_subscriptions/{id}", update_subscription),
    ("DELETE", "/notification_subscriptions/{id}", delete_subscription),
]
