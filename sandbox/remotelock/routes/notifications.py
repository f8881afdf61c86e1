"""Notification subscribers (email, text, webhook) and the log of notifications sent."""

from __future__ import annotations

import re
from typing import Any
from urllib.parse import urlsplit

from aiohttp import web

from concierge.sandbox.remotelock.core import core_of
from concierge.sandbox.remotelock.jsonapi import no_content, one, read_body
from concierge.sandbox.remotelock.listing import CollectionSpec, collection
from concierge.sandbox.remotelock.resources import SUBSCRIBER_TYPES
from concierge.sandbox.remotelock.routes.common import Route, check_type, found
from concierge.sandbox.remotelock.store import Record, ordered, touch
from concierge.sandbox.remotelock.validation import Fields

SUBSCRIBER_SPEC = CollectionSpec(
    sortable=("created_at", "name"), default_sort=("created_at",), types=SUBSCRIBER_TYPES
)
NOTIFICATION_SPEC = CollectionSpec(
    sortable=("created_at",),
    default_sort=("created_at",),
    types=("notification",),
    filters=(
        "subscriber_type",
        "subscriber_id",
        "publisher_type",
        "publisher_id",
        "event_id",
        "event_type",
    ),
)
SUBSCRIBER_ORDER = (
    "name",
    "email",
    "phone",
    "carrier",
    "url",
    "content_type",
    "secret",
    "active",
    "created_at",
    "updated_at",
)
SUBSCRIBER_FIELDS = {
    "email_notification_subscriber": ("name", "email", "active"),
    "text_notification_subscriber": ("name", "phone", "carrier", "active"),
    "webhook_notification_subscriber": ("name", "url", "content_type", "secret", "active"),
}
LOOPBACK_HOSTS = ("localhost", "127.0.0.1", "::1")
_URL = re.compile(r"^https?://", re.IGNORECASE)


def _url_problem(url: str) -> str | None:
    parts = urlsplit(url)
    if not _URL.match(url) or not parts.hostname:
        return "is not a valid URL"
    # Reference silent on test setups (it demands HTTPS): we also take plain http on loopback
    # so local receivers work, and refuse any other http URL with 422 on `url`.
    if parts.scheme.lower() == "http" and parts.hostname not in LOOPBACK_HOSTS:
        return "must be a secure (HTTPS) URL"
    return None


def _read_subscriber(fields: Fields, kind: str, *, creating: bool) -> None:
    fields.boolean("active")
    for name in SUBSCRIBER_FIELDS[kind]:
        if name in ("active", "secret", "content_type"):
            continue
        if creating or fields.given(name):
            if name == "email":
                fields.email(name, required=True)
            else:
                fields.text(name, required=True, max_length=2048)
    if kind != "webhook_notification_subscriber":
        return
    # Reference contradictory: content_type is "required" and also "Default is form"; we
    # default to form when it is omitted.
    fields.choice("content_type", ("form", "json"), required=fields.given("content_type"))
    fields.text("secret")
    url = fields.changes.get("url")
    problem = _url_problem(url) if url else None
    if problem:
        fields.problems.add("url", problem)


async def list_subscribers(request: web.Request) -> web.Response:
    core = core_of(request)
    view = core.view(request)
    return collection(
        request, (view.render(s) for s in core.store.subscribers.values()), SUBSCRIBER_SPEC
    )


async def get_subscriber(request: web.Request) -> web.Response:
    core = core_of(request)
    record = found(core.store.subscribers, request.match_info["id"], "Notification subscriber")
    return one(core.view(request).render(record))


async def create_subscriber(request: web.Request) -> web.Response:
    core = core_of(request)
    body = await read_body(request)
    fields = Fields(body.attributes)
    kind = check_type(body.type, SUBSCRIBER_TYPES, fields.problems, required=True)
    if kind is not None:
        _read_subscriber(fields, kind, creating=True)
    fields.problems.raise_if_any()
    assert kind is not None
    changes = fields.changes
    now = core.now_iso()
    attributes: dict[str, Any] = {n: changes.get(n) for n in SUBSCRIBER_FIELDS[kind]}
    attributes["active"] = changes.get("active", True)
    if kind == "webhook_notification_subscriber":
        attributes["content_type"] = changes.get("content_type") or "form"
        # Reference silent: whether a secret is generated when omitted is undocumented; we
        # generate one so every delivery carries an X-Secret.
        attributes["secret"] = changes.get("secret") or core.ids.hex(32)
    attributes |= {"created_at": now, "updated_at": now}
    record = core.store.add(
        core.store.subscribers, Record(kind, core.ids.uuid(), ordered(attributes, SUBSCRIBER_ORDER))
    )
    return one(core.view(request).render(record), 201)


async def update_subscriber(request: web.Request) -> web.Response:
    core = core_of(request)
    record = found(core.store.subscribers, request.match_info["id"], "Notification subscriber")
    body = await read_body(request)
    fields = Fields(body.attributes)
    _read_subscriber(fields, record.type, creating=False)
    fields.problems.raise_if_any()
    allowed = SUBSCRIBER_FIELDS[record.type]
    changes = {k: v for k, v in fields.changes.items() if k in allowed}
    if record.type == "webhook_notification_subscriber" and changes.get("secret", "") is None:
        changes["secret"] = core.ids.hex(32)
    record.attributes.update(changes)
    touch(record, core.clock)
    return one(core.view(request).render(record))


async def delete_subscriber(request: web.Request) -> web.Response:
    core = core_of(request)
    store = core.store
    record = found(store.subscribers, request.match_info["id"], "Notification subscriber")
    # Reference silent: a deleted subscriber's subscriptions go with it.
    for sub in [
        s for s in store.subscriptions.values() if s.attributes["subscriber_id"] == record.id
    ]:
        del store.subscriptions[sub.id]
    del store.subscribers[record.id]
    return no_content()


async def list_notifications(request: web.Request) -> web.Response:
    core = core_of(request)
    view = core.view(request)
    return collection(
        request, (view.render(n) for n in core.store.notifications.values()), NOTIFICATION_SPEC
    )


async def get_notification(request: web.Request) -> web.Response:
    core = core_of(request)
    record = found(core.store.notifications, request.match_info["id"], "Notification")
    return one(core.view(request).render(record))


ROUTES: list[Route] = [
    ("GET", "/notification_subscribers", list_subscribers),
    ("GET", "/notification_subscribers/{id}", get_subscriber),
    ("POST", "/notification_subscribers", create_subscriber),
    ("PUT", "/notification_subscribers/{id}", update_subscriber),
    ("DELETE", "/notification_subscribers/{id}", delete_subscriber),
    ("GET", "/notifications", list_notifications),
    # Not in the reference, but every notification's links.self points here.
    ("GET", "/notifications/{id}", get_notification),
]
