"""The simulated RemoteLock account and the services its routes share."""

from __future__ import annotations

import random
import secrets
from dataclasses import dataclass
from typing import Any

from aiohttp import web

from concierge.sandbox.clock import iso_z
from concierge.sandbox.oauth import TokenStore
from concierge.sandbox.remotelock.events import EventPublisher, build_event, credential_details
from concierge.sandbox.remotelock.history import seed_history
from concierge.sandbox.remotelock.jsonapi import api_base
from concierge.sandbox.remotelock.people import seed_people, seed_subscribers
from concierge.sandbox.remotelock.ratelimit import RateLimiter
from concierge.sandbox.remotelock.resources import View
from concierge.sandbox.remotelock.scheduler import Scheduler
from concierge.sandbox.remotelock.seed import base_store
from concierge.sandbox.remotelock.store import Ids, Record, touch
from concierge.sandbox.vendor import SimContext

# Devices behave as the reference describes: `PUT /devices/:id/lock` answers at once with the
# commanded state, and the lock confirms a moment later (on the sandbox clock) with a
# `locked_event`/`unlocked_event` that goes to subscribers.

ACCESS_TTL_S = 7200
CONFIRM_DELAY_S = 0.5  # how long a lock takes to report a remote command
DEMO_PASSWORD = "remotelock-demo"
DEFAULT_REDIRECT_URI = "http://localhost:8700/oauth/remotelock/callback"


@dataclass(frozen=True)
class Credentials:
    client_id: str
    client_secret: str
    redirect_uri: str
    username: str
    password: str


def _token() -> str:
    # Tokens look like the reference's `1/4cc3ss-t0k3n`; they may be random (not record ids).
    return "1/" + secrets.token_urlsafe(32)


class Core:
    def __init__(self, ctx: SimContext, rng: random.Random) -> None:
        self.clock = ctx.clock
        self.world = ctx.world
        self.ids = Ids(rng)
        self.unresponsive: set[str] = set()  # locks that take commands but never report
        self.credentials = Credentials(
            client_id=self.ids.hex(64),
            client_secret=self.ids.hex(64),
            redirect_uri=DEFAULT_REDIRECT_URI,
            username=ctx.world.manager.email,
            password=DEMO_PASSWORD,
        )
        self.tokens = TokenStore(
            clock=ctx.clock,
            access_ttl=ACCESS_TTL_S,
            token_factory=lambda subject, at: _token(),
            refresh_factory=_token,
        )
        self.limiter = RateLimiter(ctx.clock)
        self.scheduler = Scheduler(ctx.clock)
        self.public_api_base = "http://127.0.0.1/remotelock/api"
        self.store = base_store(ctx.world, self.ids, ctx.clock)
        seed_people(ctx.world, self.store, self.ids, ctx.clock)
        seed_subscribers(self.store, self.ids, self.clock.time() - 30 * 86_400)
        self.events = EventPublisher(
            self.store, ctx.clock, self.ids, ctx.webhooks, lambda: self.public_api_base
        )
        seed_history(self.store, self.events, self.ids, ctx.clock)

    @property
    def account_id(self) -> str:
        return self.store.account.id

    def view(self, request: web.Request | None = None) -> View:
        base = api_base(request) if request is not None else self.public_api_base
        return View(base, self.clock.now(), self.store)

    def now_iso(self) -> str:
        return iso_z(self.clock.now())

    def time_zone_of(self, device: Record) -> str:
        location = self.store.locations.get(device.attributes["location_id"])
        return "UTC" if location is None else str(location.attributes["time_zone"])

    # -- devices ---------------------------------------------------------------------------

    def command(self, device: Record, target: str) -> None:
        """A remote lock/unlock: the state shows the command now, the lock confirms shortly."""
        attrs = device.attributes
        previous = attrs["state"]
        attrs["state"] = target
        touch(device, self.clock)
        kind = "locked" if target == "locked" else "unlocked"
        # Reference silent: method values other than "pin" are undocumented; we use "remote"
        # for API commands, "auto_lock" for auto-relocks and "manual" for the thumb turn.
        # Ids are drawn now, not when the lock answers, so a seed's ids don't depend on timing.
        event_id, relock_id = self.ids.uuid(), self.ids.uuid()

        def confirm() -> None:
            if device.id not in self.store.devices or device.id in self.unresponsive:
                return
            if not attrs["connected"]:
                # Reference silent: commands to offline locks are undocumented; the API still
                # answers 200, then the lock's event reports `failed` (status_info "timeout")
                # and the state goes back to what the lock really is.
                if attrs["state"] == target:
                    attrs["state"] = previous
                    touch(device, self.clock)
                self.record_lock_event(
                    device,
                    kind,
                    method="remote",
                    status="failed",
                    status_info="timeout",
                    event_id=event_id,
                )
                return
            self.record_lock_event(device, kind, method="remote", event_id=event_id)
            if kind == "unlocked":
                self._schedule_auto_lock(device, relock_id)

        self.scheduler.call_later(CONFIRM_DELAY_S, confirm)

    def _schedule_auto_lock(self, device: Record, event_id: str) -> None:
        attrs = device.attributes
        if not attrs["auto_lock"] or not attrs["auto_lock_timeout"]:
            return

        def relock() -> None:
            if device.id in self.store.devices and attrs["state"] == "unlocked":
                self.record_lock_event(
                    device, "locked", method="auto_lock", source="device", event_id=event_id
                )

        self.scheduler.call_later(float(attrs["auto_lock_timeout"]), relock)

    def record_lock_event(
        self,
        device: Record,
        kind: str,
        *,
        method: str | None,
        person: Record | None = None,
        pin: str | None = None,
        source: str = "user",
        status: str = "succeeded",
        status_info: str | None = None,
        event_id: str | None = None,
    ) -> Record:
        """Record what the lock reports (and move its state); publishes to subscribers."""
        attrs = device.attributes
        if status == "succeeded" and kind in ("locked", "unlocked"):
            attrs["state"] = kind
            touch(device, self.clock)
        now = self.clock.time()
        zone = self.time_zone_of(device)
        details = credential_details(method=method, pin=pin, status_info=status_info)
        associated = (person.type, person.id) if person is not None else None
        event = self.events.publish(
            build_event(
                kind,
                event_id or self.ids.uuid(),
                publisher=("lock", device.id),
                time_zone=zone,
                occurred_at=now,
                details=details,
                associated=associated,
                source=source,
                status=status,
            )
        )
        if person is not None and kind in ("unlocked", "access_denied"):
            self.events.publish(
                build_event(
                    "access_person_used",
                    self.ids.uuid(),
                    publisher=(person.type, person.id),
                    time_zone=zone,
                    occurred_at=now,
                    details=details,
                    associated=("lock", device.id),
                    source=source,
                    status=status,
                )
            )
        return event

    def record_device_event(self, device: Record, kind: str, details: dict[str, Any]) -> Record:
        return self.events.publish(
            build_event(
                kind,
                self.ids.uuid(),
                publisher=(device.type, device.id),
                time_zone=self.time_zone_of(device),
                occurred_at=self.clock.time(),
                details=details,
            )
        )

    def state(self) -> dict[str, Any]:
        return {
            "account_id": self.account_id,
            "rate_limit": self.limiter.state(),
            "records": self.store.counts(),
            "scheduled_device_reports": self.scheduler.pending,
            "emails_sent": self.store.emails_sent,
        }


CORE_KEY = web.AppKey("remotelock_core", Core)


def core_of(request: web.Request) -> Core:
    return request.app[CORE_KEY]
