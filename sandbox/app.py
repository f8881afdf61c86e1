"""The sandbox host: all three simulated vendors and the control API on one aiohttp port."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from typing import Any

from aiohttp import web

from concierge.sandbox import journal
from concierge.sandbox.butlr import ButlrSim
from concierge.sandbox.butterflymx import ButterflyMXSim
from concierge.sandbox.clock import Clock, iso_z
from concierge.sandbox.control import build_control_app
from concierge.sandbox.dataset import DatasetSpec, build_world
from concierge.sandbox.instrumentation import Instruments
from concierge.sandbox.remotelock import RemoteLockSim
from concierge.sandbox.vendor import SimContext, VendorSim
from concierge.sandbox.webhooks import WebhookDispatcher

log = logging.getLogger(__name__)

VENDOR_CLASSES: tuple[type[VendorSim], ...] = (ButterflyMXSim, RemoteLockSim, ButlrSim)


class Sandbox:
    """One sandbox: a demo world, three vendors, their instruments, and the control API."""

    def __init__(
        self,
        spec: DatasetSpec | None = None,
        *,
        latency_ms: float = 0.0,
        ambient_interval_s: float | None = None,
    ) -> None:
        self.spec = spec or DatasetSpec()
        self.world = build_world(self.spec)
        self.clock = Clock()
        self.webhooks = WebhookDispatcher(self.clock)
        self.instruments = Instruments(self.spec.seed)
        ctx = SimContext(
            world=self.world, clock=self.clock, webhooks=self.webhooks, seed=self.spec.seed
        )
        self.vendors: dict[str, VendorSim] = {}
        for cls in VENDOR_CLASSES:
            sim = cls(ctx)
            self.vendors[sim.name] = sim
            self.instruments.register(sim.name, sim.render_fault)
            if latency_ms:
                self.instruments.vendor(sim.name).faults.latency_ms = latency_ms
            credentials = sim.describe("")["credentials"]
            journal.remember(*(v for k, v in credentials.items() if "secret" in k))
        self.ambient_interval_s = ambient_interval_s
        self.root_url = ""
        self._runner: web.AppRunner | None = None
        self._ambient: asyncio.Task[None] | None = None

    def build_app(self) -> web.Application:
        app = web.Application()
        for name, sim in self.vendors.items():
            vendor_app = sim.build_app()
            vendor_app.middlewares.insert(0, self.instruments.middleware_for(name))
            app.add_subapp(f"/{name}", vendor_app)
        app.add_subapp("/_control", build_control_app(self))
        return app

    async def start(self, host: str = "127.0.0.1", port: int = 0) -> dict[str, Any]:
        """Listen on host:port (0 picks a free port) and return `info()`."""
        self._runner = web.AppRunner(self.build_app(), access_log=None)
        await self._runner.setup()
        site = web.TCPSite(self._runner, host, port)
        await site.start()
        server = site._server
        assert server is not None
        sockets = getattr(server, "sockets", None) or []
        bound_port = sockets[0].getsockname()[1] if sockets else port
        shown_host = "127.0.0.1" if host in ("0.0.0.0", "") else host
        self.root_url = f"http://{shown_host}:{bound_port}"
        await self.webhooks.start()
        for sim in self.vendors.values():
            await sim.start()
        if self.ambient_interval_s:
            self._ambient = asyncio.create_task(
                self._ambient_loop(self.ambient_interval_s), name="sandbox-ambient"
            )
        return self.info()

    async def stop(self) -> None:
        if self._ambient is not None:
            self._ambient.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._ambient
            self._ambient = None
        for sim in self.vendors.values():
            await sim.stop()
        await self.webhooks.stop()
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None

    async def _ambient_loop(self, interval_s: float) -> None:
        while True:
            await asyncio.sleep(interval_s)
            for sim in self.vendors.values():
                try:
                    await sim.ambient_tick()
                except asyncio.CancelledError:
                    raise
                except Exception:
                    log.exception("ambient activity for %s failed", sim.name)

    def info(self) -> dict[str, Any]:
        """The JSON object `concierge sandbox` prints first: URLs, credentials, control API."""
        return {
            "sandbox": "concierge",
            "seed": self.spec.seed,
            "root_url": self.root_url,
            "control_url": f"{self.root_url}/_control",
            "vendors": {
                name: sim.describe(f"{self.root_url}/{name}") for name, sim in self.vendors.items()
            },
            "dataset": {
                "buildings": len(self.world.buildings),
                "units": len(self.world.units),
                "tenants": len(self.world.tenancies),
                "access_points": len(self.world.access_points),
                "locks": len(self.world.locks),
                "spaces": len(self.world.spaces),
                "rooms": len(self.world.rooms),
                "sensors": len(self.world.sensors),
                "hives": len(self.world.hives),
            },
        }

    def clock_state(self) -> dict[str, Any]:
        return {
            "now": iso_z(self.clock.now()),
            "time": self.clock.time(),
            "offset_s": self.clock.offset,
        }
