"""Outgoing webhook delivery for the simulated vendors, with per-vendor retry schedules.

A vendor enqueues a `Delivery` (URL, method, headers, body) with a `RetryPolicy`.
One worker task per sandbox sends due deliveries with the policy's timeout, and on
a non-2xx answer or a network failure schedules the next attempt on the sandbox
clock, until the policy's give-up age, when the vendor's `on_give_up` hook runs
(RemoteLock deactivates the subscriber). Every attempt is kept for the control API.
"""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import aiohttp

from concierge.sandbox.clock import Clock

log = logging.getLogger(__name__)


@dataclass
class RetryPolicy:
    interval_s: float  # time between attempts after a failure
    give_up_after_s: float  # stop (and call on_give_up) once the first attempt is this old
    timeout_s: float  # how long the receiver has to answer


@dataclass
class Attempt:
    at: float
    status: int | None
    error: str | None


@dataclass
class Delivery:
    vendor: str
    url: str
    body: bytes
    policy: RetryPolicy
    method: str = "POST"
    headers: dict[str, str] = field(default_factory=dict)
    event_id: str = ""
    event_type: str = ""
    subscriber_id: str = ""
    on_give_up: Callable[[Delivery], None] | None = None
    id: int = 0
    created_at: float = 0.0
    next_attempt_at: float = 0.0
    state: str = "pending"  # pending | delivered | failed
    attempts: list[Attempt] = field(default_factory=list)

    def describe(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "vendor": self.vendor,
            "url": self.url,
            "method": self.method,
            "event_id": self.event_id,
            "event_type": self.event_type,
            "subscriber_id": self.subscriber_id,
            "state": self.state,
            "created_at": self.created_at,
            "next_attempt_at": self.next_attempt_at if self.state == "pending" else None,
            "attempts": [{"at": a.at, "status": a.status, "error": a.error} for a in self.attempts],
        }


class WebhookDispatcher:
    """Delivers webhooks for every simulated vendor; started and stopped with the sandbox."""

    def __init__(self, clock: Clock) -> None:
        self._clock = clock
        self._deliveries: list[Delivery] = []
        self._ids = itertools.count(1)
        self._wake = asyncio.Event()
        self._task: asyncio.Task[None] | None = None
        self._session: aiohttp.ClientSession | None = None
        self.interval_override_s: float | None = None  # control API: shrink "hourly" retries
        clock.on_advance(self._wake.set)

    def enqueue(self, delivery: Delivery) -> Delivery:
        delivery.id = next(self._ids)
        delivery.created_at = delivery.next_attempt_at = self._clock.time()
        self._deliveries.append(delivery)
        self._wake.set()
        return delivery

    def deliveries(self, vendor: str | None = None) -> list[Delivery]:
        return [d for d in self._deliveries if vendor is None or d.vendor == vendor]

    def clear(self) -> None:
        self._deliveries = [d for d in self._deliveries if d.state == "pending"]

    async def start(self) -> None:
        self._session = aiohttp.ClientSession()
        self._task = asyncio.create_task(self._run(), name="sandbox-webhooks")

    async def stop(self) -> None:
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
            self._task = None
        if self._session is not None:
            await self._session.close()
            self._session = None

    async def _run(self) -> None:
        while True:
            now = self._clock.time()
            due = [d for d in self._deliveries if d.state == "pending" and d.next_attempt_at <= now]
            if due:
                await asyncio.gather(*(self._attempt(d) for d in due))
                continue
            pending = [d.next_attempt_at for d in self._deliveries if d.state == "pending"]
            wait = min(pending) - now if pending else None
            self._wake.clear()
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._wake.wait(), timeout=wait)

    async def _attempt(self, delivery: Delivery) -> None:
        assert self._session is not None
        status: int | None = None
        error: str | None = None
        request: dict[str, Any] = {"headers": delivery.headers}
        if delivery.method.upper() == "GET":
            # ButterflyMX `get` webhooks: the reference implies the payload travels in the
            # query string; we send the event JSON as a single `payload` parameter.
            request["params"] = {"payload": delivery.body.decode()}
        else:
            request["data"] = delivery.body
        try:
            async with self._session.request(
                delivery.method.upper(),
                delivery.url,
                timeout=aiohttp.ClientTimeout(total=delivery.policy.timeout_s),
                **request,
            ) as response:
                status = response.status
                await response.read()
        except TimeoutError:
            error = f"no answer within {delivery.policy.timeout_s:g}s"
        except aiohttp.ClientError as exc:
            error = f"{type(exc).__name__}: {exc}"
        now = self._clock.time()
        delivery.attempts.append(Attempt(now, status, error))
        if status is not None and 200 <= status < 300:
            delivery.state = "delivered"
            return
        interval = self.interval_override_s
        if interval is None:
            interval = delivery.policy.interval_s
        if now + interval - delivery.created_at > delivery.policy.give_up_after_s:
            delivery.state = "failed"
            log.info(
                "webhook %s to %s given up after %d attempts",
                delivery.id,
                delivery.url,
                len(delivery.attempts),
            )
            if delivery.on_give_up is not None:
                delivery.on_give_up(delivery)
            return
        delivery.next_attempt_at = now + interval
