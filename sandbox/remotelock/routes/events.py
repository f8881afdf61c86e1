"""Events: the account's event log, newest first by default."""

from __future__ import annotations

from aiohttp import web

from concierge.sandbox.remotelock.core import core_of
from concierge.sandbox.remotelock.events import ALL_EVENT_TYPES
from concierge.sandbox.remotelock.jsonapi import one
from concierge.sandbox.remotelock.listing import CollectionSpec, collection
from concierge.sandbox.remotelock.routes.common import Route, found

SPEC = CollectionSpec(
    sortable=("created_at", "occurred_at"),
    default_sort=("-occurred_at",),
    types=tuple(f"{t}_event" for t in ALL_EVENT_TYPES),
    # Reference silent: /events documents no attribute filters; we accept the generic
    # association filters (publisher and associated resource) plus source and status.
    filters=(
        "publisher_id",
        "publisher_type",
        "associated_resource_id",
        "associated_resource_type",
        "source",
        "status",
    ),
)


async def list_events(request: web.Request) -> web.Response:
    core = core_of(request)
    view = core.view(request)
    return collection(request, (view.render(e) for e in core.store.events.values()), SPEC)


async def get_event(request: web.Request) -> web.Response:
    core = core_of(request)
    record = found(core.store.events, request.match_info["id"], "Event")
    return one(core.view(request).render(record))


ROUTES: list[Route] = [
    ("GET", "/events", list_events),
    ("GET", "/events/{id}", get_event),
]
