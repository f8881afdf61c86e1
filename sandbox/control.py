"""The sandbox control API, mounted at `/_control` beside the vendor APIs.

GET    /_control                          info: base URLs, demo credentials, dataset size
GET    /_control/sitemap                  the cross-vendor site map (vendor IDs)
GET    /_control/counters[?vendor=V]      requests by vendor, "METHOD /route/{template}", status
DELETE /_control/counters[?vendor=V]      reset them (POST /_control/counters/reset also works)
GET    /_control/faults                   every vendor's latency and fault settings
PATCH  /_control/faults/{vendor}          change some settings (PUT replaces them all)
DELETE /_control/faults/{vendor}          back to healthy
PUT    /_control/latency                  {"latency_ms", "jitter_ms"} for every vendor at once
GET    /_control/tokens                   token statistics per vendor
POST   /_control/tokens/{vendor}/expire   expire every live access token now
POST   /_control/tokens/{vendor}/revoke   revoke every refresh token (user revoked the app)
GET    /_control/clock                    the sandbox clock
POST   /_control/clock/advance            {"seconds": N} jump the clock forward
GET    /_control/scenarios                scenario names
POST   /_control/scenarios/{vendor}/{name}  trigger one, JSON parameters in the body
GET    /_control/webhooks[?vendor=V]      outgoing webhook deliveries and their attempts
PUT    /_control/webhooks                 {"retry_interval_s": S | null} override retry spacing
GET    /_control/vendors/{vendor}         vendor-specific state (rate-limit windows, ...)
POST   /_control/reset                    counters, faults and webhook log back to a clean slate
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

from aiohttp import web

from concierge.sandbox.instrumentation import FaultSettings
from concierge.sandbox.vendor import ScenarioError

if TYPE_CHECKING:
    from concierge.sandbox.app import Sandbox

SANDBOX_KEY = web.AppKey("sandbox", object)


def _error(status: int, message: str) -> web.Response:
    return web.json_response({"error": message}, status=status)


async def _body(request: web.Request) -> dict[str, Any]:
    if not request.can_read_body:
        return {}
    try:
        body = await request.json()
    except json.JSONDecodeError as exc:
        raise web.HTTPBadRequest(
            text=json.dumps({"error": f"body is not valid JSON: {exc}"}),
            content_type="application/json",
        ) from exc
    if not isinstance(body, dict):
        raise web.HTTPBadRequest(
            text=json.dumps({"error": "body must be a JSON object"}),
            content_type="application/json",
        )
    return body


def build_control_app(sandbox: Sandbox) -> web.Application:
    app = web.Application()
    routes = web.RouteTableDef()

    def vendor_or_404(request: web.Request) -> str:
        name = request.match_info["vendor"]
        if name not in sandbox.vendors:
            raise web.HTTPNotFound(
                text=json.dumps(
                    {"error": f"unknown vendor {name!r}", "vendors": sorted(sandbox.vendors)}
                ),
                content_type="application/json",
            )
        return name

    @routes.get("")
    @routes.get("/")
    async def info(request: web.Request) -> web.Response:
        return web.json_response(sandbox.info())

    @routes.get("/sitemap")
    async def sitemap(request: web.Request) -> web.Response:
        return web.json_response(sandbox.world.site_map())

    @routes.get("/counters")
    async def counters(request: web.Request) -> web.Response:
        data = sandbox.instruments.counters()
        vendor = request.query.get("vendor")
        if vendor is not None:
            if vendor not in data:
                return _error(404, f"unknown vendor {vendor!r}")
            return web.json_response(data[vendor])
        return web.json_response(data)

    @routes.get("/requests")
    async def requests(request: web.Request) -> web.Response:
        return web.json_response({"requests": sandbox.instruments.request_log()})

    @routes.delete("/counters")
    @routes.post("/counters/reset")
    async def reset_counters(request: web.Request) -> web.Response:
        vendor = request.query.get("vendor")
        if vendor is not None and vendor not in sandbox.vendors:
            return _error(404, f"unknown vendor {vendor!r}")
        sandbox.instruments.reset_counters(vendor)
        return web.json_response(sandbox.instruments.counters())

    @routes.get("/faults")
    async def faults(request: web.Request) -> web.Response:
        return web.json_response(
            {v: sandbox.instruments.vendor(v).faults.as_dict() for v in sandbox.vendors}
        )

    @routes.patch("/faults/{vendor}")
    @routes.put("/faults/{vendor}")
    async def set_faults(request: web.Request) -> web.Response:
        vendor = vendor_or_404(request)
        changes = await _body(request)
        instruments = sandbox.instruments.vendor(vendor)
        settings = FaultSettings() if request.method == "PUT" else instruments.faults
        try:
            settings.update(changes)
        except ValueError as exc:
            return _error(400, str(exc))
        instruments.faults = settings
        return web.json_response(settings.as_dict())

    @routes.delete("/faults/{vendor}")
    async def clear_faults(request: web.Request) -> web.Response:
        vendor = vendor_or_404(request)
        sandbox.instruments.vendor(vendor).faults = FaultSettings()
        return web.json_response(FaultSettings().as_dict())

    @routes.put("/latency")
    async def set_latency(request: web.Request) -> web.Response:
        body = await _body(request)
        unknown = set(body) - {"latency_ms", "jitter_ms"}
        if unknown:
            return _error(400, f"unknown latency settings {sorted(unknown)}")
        try:
            for vendor in sandbox.vendors:
                sandbox.instruments.vendor(vendor).faults.update(body)
        except ValueError as exc:
            return _error(400, str(exc))
        return web.json_response(
            {v: sandbox.instruments.vendor(v).faults.as_dict() for v in sandbox.vendors}
        )

    @routes.get("/tokens")
    async def tokens(request: web.Request) -> web.Response:
        return web.json_response({n: v.tokens.stats() for n, v in sandbox.vendors.items()})

    @routes.post("/tokens/{vendor}/expire")
    async def expire_tokens(request: web.Request) -> web.Response:
        vendor = vendor_or_404(request)
        count = sandbox.vendors[vendor].tokens.expire_access_tokens()
        return web.json_response({"expired": count})

    @routes.post("/tokens/{vendor}/revoke")
    async def revoke_tokens(request: web.Request) -> web.Response:
        vendor = vendor_or_404(request)
        count = sandbox.vendors[vendor].tokens.revoke_refresh_tokens()
        return web.json_response({"revoked": count})

    @routes.get("/clock")
    async def clock(request: web.Request) -> web.Response:
        return web.json_response(sandbox.clock_state())

    @routes.post("/clock/advance")
    async def advance(request: web.Request) -> web.Response:
        body = await _body(request)
        seconds = body.get("seconds")
        if isinstance(seconds, bool) or not isinstance(seconds, (int, float)) or seconds < 0:
            return _error(400, "`seconds` must be a non-negative number")
        sandbox.clock.advance(float(seconds))
        return web.json_response(sandbox.clock_state())

    @routes.get("/scenarios")
    async def scenarios(request: web.Request) -> web.Response:
        return web.json_response(
            {name: sorted(v.scenarios()) for name, v in sandbox.vendors.items()}
        )

    @routes.post("/scenarios/{vendor}/{name}")
    async def trigger(request: web.Request) -> web.Response:
        vendor = vendor_or_404(request)
        name = request.match_info["name"]
        available = sandbox.vendors[vendor].scenarios()
        if name not in available:
            return _error(404, f"unknown scenario {vendor}/{name}; known: {sorted(available)}")
        params = await _body(request)
        try:
            result = await available[name](params)
        except ScenarioError as exc:
            return _error(400, str(exc))
        return web.json_response(result)

    @routes.get("/webhooks")
    async def webhooks(request: web.Request) -> web.Response:
        vendor = request.query.get("vendor")
        return web.json_response(
            {
                "retry_interval_override_s": sandbox.webhooks.interval_override_s,
                "deliveries": [d.describe() for d in sandbox.webhooks.deliveries(vendor)],
            }
        )

    @routes.put("/webhooks")
    async def webhook_settings(request: web.Request) -> web.Response:
        body = await _body(request)
        interval = body.get("retry_interval_s")
        if interval is not None and (
            isinstance(interval, bool) or not isinstance(interval, (int, float)) or interval <= 0
        ):
            return _error(400, "`retry_interval_s` must be a positive number or null")
        sandbox.webhooks.interval_override_s = None if interval is None else float(interval)
        return web.json_response(
            {"retry_interval_override_s": sandbox.webhooks.interval_override_s}
        )

    @routes.get("/vendors/{vendor}")
    async def vendor_state(request: web.Request) -> web.Response:
        vendor = vendor_or_404(request)
        return web.json_response(sandbox.vendors[vendor].state())

    @routes.post("/reset")
    async def reset(request: web.Request) -> web.Response:
        sandbox.instruments.reset_counters()
        for vendor in sandbox.vendors:
            sandbox.instruments.vendor(vendor).faults = FaultSettings()
        sandbox.webhooks.interval_override_s = None
        sandbox.webhooks.clear()
        return web.json_response({"reset": True})

    app.add_routes(routes)
    return app
