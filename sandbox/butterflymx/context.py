"""What every ButterflyMX handler reaches through `request.app[BACKEND]`."""

from __future__ import annotations

from dataclasses import dataclass

from aiohttp import web

from concierge.sandbox.butterflymx.activity import Activity
from concierge.sandbox.butterflymx.auth import Area, Identity
from concierge.sandbox.butterflymx.store import Store, Viewer
from concierge.sandbox.butterflymx.webhooks import Events
from concierge.sandbox.clock import Clock


@dataclass
class Backend:
    store: Store
    identity: Identity
    clock: Clock
    events: Events
    activity: Activity

    def now(self) -> float:
        return self.clock.time()

    def viewer(self, request: web.Request, area: Area = "v3") -> Viewer:
        return self.identity.viewer(request, area)


BACKEND = web.AppKey("butterflymx_backend", Backend)
