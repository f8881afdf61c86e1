"""Simulated butlr: placeholder until the vendor's routes land."""

from __future__ import annotations

from typing import Any

from aiohttp import web

from sandbox.oauth import TokenStore
from sandbox.vendor import SimContext, VendorSim


class ButlrSim(VendorSim):
    name = "butlr"

    def __init__(self, ctx: SimContext) -> None:
        super().__init__(ctx)
        self._tokens = TokenStore(clock=ctx.clock, access_ttl=7200)

    @property
    def tokens(self) -> TokenStore:
        return self._tokens

    def build_app(self) -> web.Application:
        return web.Application()

    def describe(self, root_url: str) -> dict[str, Any]:
        return {"auth_url": root_url, "api_url": root_url, "credentials": {}}

    def render_fault(self, status: int, retry_after: int | None) -> web.StreamResponse:
        headers = {"Retry-After": str(retry_after)} if retry_after is not None else {}
        return web.json_response({"message": "injected fault"}, status=status, headers=headers)
