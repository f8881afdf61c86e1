"""The simulated ButterflyMX: accounts host (OAuth), v3 JSON:API and v4 plain JSON."""

from __future__ import annotations

import math
from typing import Any

from aiohttp import web

from concierge.sandbox.butterflymx import accounts, scenarios
from concierge.sandbox.butterflymx.activity import (
    CALL_TYPES,
    DEFAULT_OUTCOME,
    OUTCOMES,
    RELEASE_METHODS,
    Activity,
)
from concierge.sandbox.butterflymx.auth import MANAGER_PASSWORD, RESIDENT_PASSWORD, Identity
from concierge.sandbox.butterflymx.context import BACKEND, Backend
from concierge.sandbox.butterflymx.errors import error_middleware, fault_response
from concierge.sandbox.butterflymx.history import seed_history
from concierge.sandbox.butterflymx.routes import (
    buildings,
    devices,
    door_releases,
    integrations,
    keychains,
    me,
    tenants,
    units,
    v4,
)
from concierge.sandbox.butterflymx.store import Store
from concierge.sandbox.butterflymx.webhooks import Events
from concierge.sandbox.oauth import TokenStore
from concierge.sandbox.vendor import Scenario, SimContext, VendorSim

ROUTE_MODULES = (buildings, units, tenants, me, door_releases, keychains, integrations, devices, v4)


class ButterflyMXSim(VendorSim):
    name = "butterflymx"

    def __init__(self, ctx: SimContext) -> None:
        super().__init__(ctx)
        world = ctx.world
        self.store = Store(world, self.rng)
        demo = world.tenancies[0] if world.tenancies else None
        self.demo_unit_id = demo.unit if demo else next(iter(self.store.units), 0)
        resident_id = demo.person.bmx_user_id if demo else world.manager.bmx_user_id
        self.identity = Identity.for_seed(
            self.store, ctx.clock, ctx.seed, world.manager.bmx_user_id, resident_id
        )
        events = Events(self.store, ctx.webhooks, ctx.clock)
        self.backend = Backend(
            self.store, self.identity, ctx.clock, events, Activity(self.store, events, ctx.clock)
        )
        # History ends at the start hour, so sandboxes started within one hour agree exactly.
        anchor = math.floor(ctx.clock.time() / 3600) * 3600
        seed_history(self.store, self.rng, anchor, self.demo_unit_id)

    @property
    def tokens(self) -> TokenStore:
        return self.identity.tokens

    def build_app(self) -> web.Application:
        app = web.Application(middlewares=[error_middleware])
        app[BACKEND] = self.backend
        app.add_routes(accounts.routes())
        for module in ROUTE_MODULES:
            app.add_routes(module.routes())
        return app

    def describe(self, root_url: str) -> dict[str, Any]:
        client = self.identity.client
        manager = self.store.users[self.identity.manager_id]
        resident = self.store.users[self.identity.resident_id]
        return {
            "auth_url": f"{root_url}/accounts",
            "api_url": f"{root_url}/api",
            "credentials": {
                "client_id": client.client_id,
                "client_secret": client.client_secret,
                "redirect_uri": client.redirect_uri,
                "username": manager.email,
                "password": MANAGER_PASSWORD,
                "resident": {"username": resident.email, "password": RESIDENT_PASSWORD},
            },
        }

    def render_fault(self, status: int, retry_after: int | None) -> web.StreamResponse:
        return fault_response(status, retry_after)

    def scenarios(self) -> dict[str, Scenario]:
        async def call(params: dict[str, Any]) -> dict[str, Any]:
            return await scenarios.ring_call(self.backend, params, self.demo_unit_id)

        async def door_release(params: dict[str, Any]) -> dict[str, Any]:
            return await scenarios.release_door(self.backend, params, self.demo_unit_id)

        return {"call": call, "door_release": door_release}

    async def ambient_tick(self) -> None:
        roll = self.rng.random()
        unit = self.rng.choice(list(self.store.units.values()))
        if roll < 0.3:
            call_type = self.rng.choice(CALL_TYPES)
            outcome = self.rng.choice((DEFAULT_OUTCOME[call_type], *OUTCOMES[call_type]))
            await scenarios.ring_call(
                self.backend,
                {
                    "unit_id": unit.id,
                    "call_type": call_type,
                    "outcome": outcome,
                    "step_s": 3.0,
                    "open_door": self.rng.random() < 0.5,
                },
                self.demo_unit_id,
            )
        elif roll < 0.5:
            await scenarios.release_door(
                self.backend,
                {"unit_id": unit.id, "release_method": self.rng.choice(RELEASE_METHODS[:5])},
                self.demo_unit_id,
            )

    async def stop(self) -> None:
        await self.backend.activity.stop()

    def state(self) -> dict[str, Any]:
        store = self.store
        scopes = [i.scope for i in store.integrations.values()]
        return {
            "records": {
                "buildings": len(store.buildings),
                "panels": len(store.panels),
                "units": len(store.units),
                "users": len(store.users),
                "tenants": len(store.tenants),
                "calls": len(store.calls),
                "door_releases": len(store.door_releases),
                "messages": len(store.messages),
                "keychains": len(store.keychains),
                "virtual_keys": len(store.virtual_keys),
                "access_points": len(store.access_points),
                "devices": len(store.devices),
                "door_release_requests": len(store.door_release_requests),
            },
            "integrations": {
                "building": scopes.count("building"),
                "tenant": scopes.count("tenant"),
            },
            "live_calls": [
                {"id": c.id, "guid": c.guid, "status": c.status}
                for c in self.backend.activity.live_calls()
            ],
            "webhooks_published": self.backend.events.published,
            # Who asked for the latest remote door openings: the token's user and the tenant
            # it opened for (the same user when a resident acts with their own account).
            "recent_door_release_requests": [
                {
                    "id": r.id,
                    "tenant_id": r.tenant_id,
                    "tenant_user_id": r.tenant_user,
                    "requested_by_user_id": r.requested_by,
                }
                for r in list(store.door_release_requests.values())[-20:]
            ],
            "demo": {
                "unit_id": self.demo_unit_id,
                "resident_user_id": self.identity.resident_id,
                "manager_user_id": self.identity.manager_id,
            },
        }
