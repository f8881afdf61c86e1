"""The simulated Butlr: REST v2 resources, v3 reporting and detections, Auth0-style logins."""

from __future__ import annotations

import random
from typing import Any

from aiohttp import web

from concierge.sandbox.butlr import auth, detections, reporting
from concierge.sandbox.butlr.errors import error_middleware, error_response, message_for
from concierge.sandbox.butlr.occupancy import OccupancyModel
from concierge.sandbox.butlr.routes import fixtures, hives, rooms, sensors, spaces, users, zones
from concierge.sandbox.butlr.scenarios import build_scenarios, describe_override, nudge_random_room
from concierge.sandbox.butlr.seeding import seed_from_world
from concierge.sandbox.butlr.state import STATE, ButlrState
from concierge.sandbox.butlr.store import LOW_BATTERY_PERCENT, Store
from concierge.sandbox.butlr.tokens import (
    ACCESS_TTL_S,
    AUDIENCE,
    Credentials,
    JwtMinter,
    new_refresh_token,
)
from concierge.sandbox.oauth import TokenStore
from concierge.sandbox.vendor import Scenario, SimContext, VendorSim

ROUTE_TABLES = (
    auth.routes,
    spaces.routes,
    rooms.routes,
    zones.routes,
    fixtures.routes,
    sensors.routes,
    hives.routes,
    users.routes,
    reporting.routes,
    detections.routes,
)


class ButlrSim(VendorSim):
    name = "butlr"

    def __init__(self, ctx: SimContext) -> None:
        super().__init__(ctx)
        credentials = Credentials.generate(self.rng, ctx.world.manager)
        minter = JwtMinter(credentials)
        self._tokens = TokenStore(
            clock=ctx.clock,
            access_ttl=ACCESS_TTL_S,
            token_factory=minter.access_token,
            refresh_factory=new_refresh_token,
        )
        store = Store(self.rng, ctx.clock)
        seed_from_world(store, ctx.world)
        self.butlr = ButlrState(
            store=store,
            tokens=self._tokens,
            minter=minter,
            credentials=credentials,
            clock=ctx.clock,
            occupancy=OccupancyModel(ctx.seed),
            seed=ctx.seed,
        )
        # Demo nudges draw from their own stream so they never shift the ids of created records.
        self._ambient_rng = random.Random(f"{ctx.seed}:butlr:ambient")
        self._scenarios = build_scenarios(self.butlr)

    @property
    def tokens(self) -> TokenStore:
        return self._tokens

    def build_app(self) -> web.Application:
        app = web.Application(middlewares=[error_middleware, auth.bearer_middleware])
        app[STATE] = self.butlr
        for table in ROUTE_TABLES:
            app.add_routes(table)
        return app

    def describe(self, root_url: str) -> dict[str, Any]:
        creds = self.butlr.credentials
        return {
            "auth_url": root_url,
            "api_url": root_url,
            "credentials": {
                "client_id": creds.client_id,
                "client_secret": creds.client_secret,
                "audience": AUDIENCE,
                "username": creds.username,
                "password": creds.password,
            },
        }

    def render_fault(self, status: int, retry_after: int | None) -> web.StreamResponse:
        headers = {"Retry-After": str(retry_after)} if retry_after is not None else {}
        return error_response(status, message_for(status), headers=headers)

    def scenarios(self) -> dict[str, Scenario]:
        return dict(self._scenarios)

    async def ambient_tick(self) -> None:
        nudge_random_room(self.butlr, self._ambient_rng)

    def state(self) -> dict[str, Any]:
        store = self.butlr.store
        now = self.butlr.clock.time()
        sensors = store.active_sensors()
        return {
            "occupancy_overrides": [
                describe_override(o, store.rooms.get(o.room_id))
                for o in self.butlr.occupancy.active(now)
            ],
            "offline_sensors": [s.id for s in sensors if store.offline_since(s) is not None],
            "low_battery_sensors": [
                s.id for s in sensors if s.battery_percent < LOW_BATTERY_PERCENT
            ],
            "tokens": self._tokens.stats(),
            "records": {
                "spaces": len(store.spaces),
                "rooms": len(store.rooms),
                "zones": len(store.zones),
                "fixtures": len(store.fixtures),
                "hives": len(store.active_hives()),
                "sensors": len(sensors),
            },
        }
