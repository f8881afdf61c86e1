"""RemoteLock API routes, one module per resource; each exports `ROUTES`."""

from __future__ import annotations

from concierge.sandbox.remotelock.routes import (
    access_persons,
    accesses,
    account,
    devices,
    events,
    locations,
    notifications,
    schedules,
    subscriptions,
)
from concierge.sandbox.remotelock.routes.common import Route

API_ROUTES: list[Route] = [
    *account.ROUTES,
    *locations.ROUTES,
    *devices.ROUTES,
    *access_persons.ROUTES,
    *accesses.ROUTES,
    *schedules.ROUTES,
    *events.ROUTES,
    *notifications.ROUTES,
    *subscriptions.ROUTES,
]
