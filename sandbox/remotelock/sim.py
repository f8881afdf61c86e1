"""The simulated RemoteLock (LockState) API v1: OAuth host, REST API, webhooks, scenarios."""

from __future__ import annotations

import random
from http import HTTPStatus
from typing import Any

from aiohttp import web

from concierge.sandbox.oauth import TokenStore
from concierge.sandbox.remotelock.connect import connect_routes
from concierge.sandbox.remotelock.core import CORE_KEY, Core
from concierge.sandbox.remotelock.errors import ApiError, RateLimitedError
from concierge.sandbox.remotelock.gateway import FALLBACK_ROUTE, fallback, gateway
from concierge.sandbox.remotelock.routes import API_ROUTES
from concierge.sandbox.remotelock.scenarios import ambient_step, build_scenarios
from concierge.sandbox.vendor import Scenario, SimContext, VendorSim

MEDIA_TYPE = "application/vnd.lockstate+json; version=1"


class RemoteLockSim(VendorSim):
    name = "remotelock"

    def __init__(self, ctx: SimContext) -> None:
        super().__init__(ctx)
        self.core = Core(ctx, self.rng)
        # Demo activity draws from its own stream so it never shifts the ids requests get.
        self._ambient_rng = random.Random(f"{ctx.seed}:remotelock:ambient")

    @property
    def tokens(self) -> TokenStore:
        return self.core.tokens

    def build_app(self) -> web.Application:
        app = web.Application(middlewares=[gateway(self.core)])
        app[CORE_KEY] = self.core
        app.add_routes(connect_routes())
        # Versioning by URL prefix: every API route also answers under /api/v1.
        for prefix in ("/api", "/api/v1"):
            for method, path, handler in API_ROUTES:
                app.router.add_route(method, prefix + path, handler)
        app.router.add_route("*", "/{tail:.*}", fallback, name=FALLBACK_ROUTE)
        return app

    def describe(self, root_url: str) -> dict[str, Any]:
        self.core.public_api_base = f"{root_url}/api"  # webhook payload links need a host
        creds = self.core.credentials
        return {
            "auth_url": f"{root_url}/connect",
            "api_url": f"{root_url}/api",
            "media_type": MEDIA_TYPE,
            "account_id": self.core.account_id,
            "credentials": {
                "client_id": creds.client_id,
                "client_secret": creds.client_secret,
                "redirect_uri": creds.redirect_uri,
                "username": creds.username,
                "password": creds.password,
            },
        }

    def render_fault(self, status: int, retry_after: int | None) -> web.StreamResponse:
        extra = {"Retry-After": str(retry_after)} if retry_after is not None else {}
        if status == 429:
            headers = self.core.limiter.headers(self.core.account_id)
            return RateLimitedError(headers | extra).response()
        try:
            phrase = HTTPStatus(status).phrase
        except ValueError:
            phrase = "Error"
        kind = phrase.lower().replace(" ", "_").replace("-", "_")
        return ApiError(status, phrase, kind, extra).response()

    def scenarios(self) -> dict[str, Scenario]:
        return build_scenarios(self.core)

    async def ambient_tick(self) -> None:
        ambient_step(self.core, self._ambient_rng)

    async def start(self) -> None:
        await self.core.scheduler.start()

    async def stop(self) -> None:
        await self.core.scheduler.stop()

    def state(self) -> dict[str, Any]:
        return self.core.state()
