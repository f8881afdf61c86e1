"""Request counters, latency and fault injection, applied to every simulated vendor request.

One aiohttp middleware sits in front of all vendor routes. It counts each request by
vendor, method and route template (token requests included), then applies that
vendor's latency and faults before the simulator sees the request. Injected failures
are rendered by the vendor itself so their bodies look like that vendor's errors.
"""

from __future__ import annotations

import asyncio
import random
import time
from collections import Counter, deque
from collections.abc import Awaitable, Callable
from dataclasses import asdict, dataclass, field, fields
from typing import Any

from aiohttp import web

FaultRenderer = Callable[[int, int | None], web.StreamResponse]
"""(status, retry_after seconds or None) -> a vendor-shaped error response."""


@dataclass
class FaultSettings:
    """What the control API can do to one vendor. All zero means a healthy vendor."""

    latency_ms: float = 0.0
    jitter_ms: float = 0.0
    error_rate: float = 0.0  # share of requests answered with `error_status`
    error_status: int = 503
    fail_next: int = 0  # the next N requests fail with `error_status`, then it stops
    timeout_rate: float = 0.0  # share of requests that hang for `hang_s` and then drop
    hang_s: float = 30.0
    burst_429: int = 0  # the next N requests get 429 with Retry-After
    retry_after_s: int = 1
    path_contains: str = ""  # only requests whose path contains this are affected
    methods: list[str] = field(default_factory=list)  # only these methods ([] = all)

    def update(self, changes: dict[str, Any]) -> None:
        known = {f.name: f for f in fields(self)}
        for key, value in changes.items():
            if key not in known:
                raise ValueError(f"unknown fault setting {key!r}; known: {sorted(known)}")
            current = getattr(self, key)
            if isinstance(current, bool) or not isinstance(current, (int, float, str, list)):
                raise ValueError(f"fault setting {key!r} cannot be set")
            if isinstance(current, list):
                if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
                    raise ValueError(f"fault setting {key!r} must be a list of strings")
                setattr(self, key, [v.upper() for v in value])
            elif isinstance(current, str):
                if not isinstance(value, str):
                    raise ValueError(f"fault setting {key!r} must be a string")
                setattr(self, key, value)
            else:
                if isinstance(value, bool) or not isinstance(value, (int, float)) or value < 0:
                    raise ValueError(f"fault setting {key!r} must be a non-negative number")
                if key.endswith("_rate") and value > 1:
                    raise ValueError(f"fault setting {key!r} is a share between 0 and 1")
                setattr(self, key, type(current)(value))

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)

    def applies_to(self, request: web.Request) -> bool:
        if self.path_contains and self.path_contains not in request.path:
            return False
        return not self.methods or request.method in self.methods


@dataclass
class VendorInstruments:
    vendor: str
    render_fault: FaultRenderer
    faults: FaultSettings = field(default_factory=FaultSettings)
    requests: Counter[str] = field(default_factory=Counter)
    statuses: Counter[str] = field(default_factory=Counter)
    injected: Counter[str] = field(default_factory=Counter)
    # (route, started, finished, status) of recent requests, for critical-path analysis.
    log: deque[tuple[str, float, float, int]] = field(default_factory=lambda: deque(maxlen=10_000))

    def snapshot(self) -> dict[str, Any]:
        return {
            "total": sum(self.requests.values()),
            "routes": dict(sorted(self.requests.items())),
            "statuses": dict(sorted(self.statuses.items())),
            "injected": dict(sorted(self.injected.items())),
        }

    def reset(self) -> None:
        self.requests.clear()
        self.statuses.clear()
        self.injected.clear()
        self.log.clear()


class Instruments:
    """All vendors' counters and fault settings; one per sandbox."""

    def __init__(self, seed: int) -> None:
        self._vendors: dict[str, VendorInstruments] = {}
        self._rng = random.Random(seed ^ 0x5EED)

    def register(self, vendor: str, render_fault: FaultRenderer) -> None:
        self._vendors[vendor] = VendorInstruments(vendor, render_fault)

    def vendor(self, name: str) -> VendorInstruments:
        try:
            return self._vendors[name]
        except KeyError:
            raise KeyError(f"unknown vendor {name!r}; known: {sorted(self._vendors)}") from None

    @property
    def vendors(self) -> list[str]:
        return list(self._vendors)

    def counters(self) -> dict[str, Any]:
        return {name: v.snapshot() for name, v in self._vendors.items()}

    def request_log(self) -> list[dict[str, Any]]:
        """Every recent request of every vendor, oldest first (monotonic seconds)."""
        entries = [
            {"vendor": name, "route": route, "started": start, "finished": end, "status": status}
            for name, v in self._vendors.items()
            for route, start, end, status in v.log
        ]
        return sorted(entries, key=lambda e: e["started"])

    def reset_counters(self, vendor: str | None = None) -> None:
        for name, v in self._vendors.items():
            if vendor is None or name == vendor:
                v.reset()

    def middleware_for(self, vendor: str) -> Callable[..., Awaitable[web.StreamResponse]]:
        """The middleware for one vendor's sub-application."""
        instruments = self.vendor(vendor)
        rng = self._rng

        @web.middleware
        async def instrument(
            request: web.Request,
            handler: Callable[[web.Request], Awaitable[web.StreamResponse]],
        ) -> web.StreamResponse:
            route = f"{request.method} {_route_template(request, vendor)}"
            instruments.requests[route] += 1
            started = time.monotonic()
            status = 500
            try:
                settings = instruments.faults
                delay = 0.0
                if settings.applies_to(request):
                    delay = _delay(settings, rng)
                    injected = await _inject(settings, instruments, rng)
                    if injected is not None:
                        if delay:
                            await asyncio.sleep(delay)
                        status = injected.status
                        return injected
                # The vendor works first and the wire delay comes after, as on a network:
                # concurrent requests then do their work as they arrive, instead of queueing
                # all of it behind the same timer and answering in one burst.
                try:
                    response = await handler(request)
                except web.HTTPException as exc:
                    status = exc.status
                    if delay:
                        await asyncio.sleep(delay)
                    raise
                status = response.status
                if delay:
                    await asyncio.sleep(delay)
                return response
            finally:
                instruments.statuses[str(status)] += 1
                instruments.log.append((route, started, time.monotonic(), status))

        return instrument


def _delay(settings: FaultSettings, rng: random.Random) -> float:
    """This request's added latency, in seconds."""
    delay = settings.latency_ms
    if settings.jitter_ms:
        delay += rng.uniform(0, settings.jitter_ms)
    return max(delay, 0.0) / 1000


async def _inject(
    settings: FaultSettings, instruments: VendorInstruments, rng: random.Random
) -> web.StreamResponse | None:
    if settings.burst_429 > 0:
        settings.burst_429 -= 1
        instruments.injected["429"] += 1
        return instruments.render_fault(429, settings.retry_after_s)
    if settings.fail_next > 0:
        settings.fail_next -= 1
        instruments.injected[str(settings.error_status)] += 1
        return instruments.render_fault(settings.error_status, None)
    if settings.timeout_rate and rng.random() < settings.timeout_rate:
        instruments.injected["timeout"] += 1
        await asyncio.sleep(settings.hang_s)
        return instruments.render_fault(504, None)
    if settings.error_rate and rng.random() < settings.error_rate:
        instruments.injected[str(settings.error_status)] += 1
        return instruments.render_fault(settings.error_status, None)
    return None


def _route_template(request: web.Request, vendor: str) -> str:
    """`/api/v3/units/{id}`-style template relative to the vendor's mount point."""
    resource = request.match_info.route.resource
    canonical = resource.canonical if resource is not None else request.path
    prefix = f"/{vendor}"
    if canonical.startswith(prefix):
        canonical = canonical[len(prefix) :] or "/"
    return canonical
