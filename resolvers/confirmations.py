"""Confirmation: did an accepted (or unanswered) command really happen at the door?

A bounded poll of what the vendor records, until the attempt settles or its time is up:
RemoteLock's lock events (`unlocked_event` / `locked_event` from the lock, `succeeded` or
`failed`), ButterflyMX's door releases (the release a door release request created).
Runs in the server's task group, and again after a restart for attempts left unsettled.
Of several replicas watching one attempt, the store's compare-and-set lets one settle it.
It also listens on the bus for the door's events (webhook ingress): the matching event
settles the attempt at once, and the poll (slower when webhooks are registered) is the
fallback for a webhook that never comes. Every status change is published on the
attempt's topic.
"""

from __future__ import annotations

import asyncio
import logging
from dataclasses import dataclass
from datetime import datetime, timedelta

from concierge.connectors.errors import VendorError, VendorNotFoundError
from concierge.connectors.policy import reset_deadline, set_deadline
from concierge.resolvers import events as bus_events
from concierge.resolvers.bus import Event, Subscription
from concierge.resolvers.events import (
    AttemptData,
    DoorEventData,
    attempt_topic,
    door_topic,
    payload,
)
from concierge.resolvers.services import ActionPolicy, Services
from concierge.resolvers.store.clock import utcnow
from concierge.resolvers.store.records import AttemptStatus, UnlockAttempt

log = logging.getLogger(__name__)

UNSETTLED: tuple[AttemptStatus, ...] = ("PENDING", "ACCEPTED", "UNKNOWN")
# Lock clocks and ours disagree by a little: an event this much older than the attempt counts.
CLOCK_SKEW = timedelta(seconds=5)


@dataclass(frozen=True)
class Observation:
    happened: bool
    detail: str | None = None


def start_confirmation(services: Services, attempt_id: str) -> None:
    if not services.tasks.closed:
        services.tasks.start(confirm(services, attempt_id), name=f"confirm {attempt_id}")


async def resume_confirmations(services: Services) -> int:
    """Watch again every attempt a previous run left unsettled; how many."""
    pending = await services.store.attempts.pending()
    for attempt in pending:
        start_confirmation(services, attempt.id)
    return len(pending)


async def announce(services: Services, attempt_id: str, status: str) -> None:
    """Publish an attempt's new status on its topic (subscriptions: `unlockAttempt`)."""
    at = utcnow().isoformat().replace("+00:00", "Z")
    data = AttemptData(attempt_key=attempt_id, status=status, at=at)
    await services.bus.publish(bus_events.event(attempt_topic(attempt_id), data))


async def confirm(services: Services, attempt_id: str) -> None:
    attempt = await services.store.attempts.get(attempt_id)
    if attempt is None or attempt.status not in UNSETTLED:
        return
    heard: asyncio.Queue[Event] = asyncio.Queue()
    # Subscribed before the first look: an event published between the two is not lost.
    async with services.bus.subscribe(door_topic(attempt.door_key)) as sub:
        await sub.ready()
        listener = asyncio.ensure_future(_listen(sub, heard))
        try:
            await _watch(services, attempt_id, heard)
        finally:
            listener.cancel()
            await asyncio.gather(listener, return_exceptions=True)


async def _listen(sub: Subscription, heard: asyncio.Queue[Event]) -> None:
    async for ev in sub:
        heard.put_nowait(ev)


async def _watch(services: Services, attempt_id: str, heard: asyncio.Queue[Event]) -> None:
    policy, attempts = services.actions, services.store.attempts
    while True:
        attempt = await attempts.get(attempt_id)
        if attempt is None or attempt.status not in UNSETTLED:
            return
        observed = await _look(services, attempt, policy)
        if observed is not None:
            await _settle(services, attempt, observed)
            return
        if utcnow() - attempt.created_at > timedelta(seconds=policy.confirm_timeout_s):
            now = utcnow()
            if await attempts.transition(attempt.id, UNSETTLED, "TIMED_OUT", finished_at=now):
                await _record(services, attempt, "timed_out", None)
                await announce(services, attempt.id, "TIMED_OUT")
            return
        left = policy.confirm_timeout_s - (utcnow() - attempt.created_at).total_seconds()
        wait = max(0.0, min(policy.confirm_poll_s, left + 0.05))
        try:
            async with asyncio.timeout(wait):
                while True:
                    heard_event = await heard.get()
                    observed = _matches(attempt, payload(DoorEventData, heard_event))
                    if observed is not None:
                        await _settle(services, attempt, observed)
                        return
        except TimeoutError:
            continue


def _matches(attempt: UnlockAttempt, data: DoorEventData) -> Observation | None:
    """What a door event says about this attempt, if it is the attempt's event."""
    if attempt.vendor == "butterflymx":
        kind, _, ident = (attempt.vendor_reference or "").partition(":")
        if data.kind == "RELEASED" and kind == "door_release" and data.id == f"butterflymx:{ident}":
            return Observation(True)
        return None
    wanted = "UNLOCKED" if attempt.action == "unlock" else "LOCKED"
    if data.kind != wanted or data.method not in (None, "remote"):
        return None
    if datetime.fromisoformat(data.occurred_at) < attempt.created_at - CLOCK_SKEW:
        return None
    if data.status == "failed":
        return Observation(False, "the lock reported failure")
    return Observation(True)


async def _look(
    services: Services, attempt: UnlockAttempt, policy: ActionPolicy
) -> Observation | None:
    """What the vendor has recorded for this attempt, if anything yet."""
    token = set_deadline(policy.vendor_budget_s)
    try:
        if attempt.vendor == "remotelock":
            return await _remotelock_event(services, attempt)
        return await _butterflymx_release(services, attempt)
    except VendorError as exc:
        log.debug("confirmation of %s: vendor not readable now: %s", attempt.id, exc)
        return None
    finally:
        reset_deadline(token)


async def _remotelock_event(services: Services, attempt: UnlockAttempt) -> Observation | None:
    device_id = attempt.door_key.partition(":")[2]
    kind = "unlocked_event" if attempt.action == "unlock" else "locked_event"
    since = attempt.created_at - CLOCK_SKEW
    events = services.remotelock.events.iter(
        types=[kind], publisher_ids=[device_id], sort="-occurred_at"
    )
    async for event in events:
        if event.occurred_at < since:
            break
        if event.type != kind or event.publisher_id != device_id:
            continue
        method = getattr(event, "method", None)
        if method not in (None, "remote"):
            continue  # a resident's PIN or the thumb turn, not our command
        if event.status == "failed":
            info = getattr(event, "status_info", None)
            return Observation(False, f"the lock reported failure ({info or 'no reason given'})")
        return Observation(True)
    return None


async def _butterflymx_release(services: Services, attempt: UnlockAttempt) -> Observation | None:
    reference = attempt.vendor_reference or ""
    kind, _, ident = reference.partition(":")
    if kind != "door_release" or not ident:
        # Reference silent: the request's answer is undocumented; without the release it
        # created there is nothing to read, so the attempt times out rather than guesses.
        return None
    try:
        await services.butterflymx.door_releases.get(ident)
    except VendorNotFoundError:
        return None
    return Observation(True)


async def _settle(services: Services, attempt: UnlockAttempt, observed: Observation) -> None:
    now: datetime = utcnow()
    if observed.happened:
        moved = await services.store.attempts.transition(
            attempt.id, UNSETTLED, "CONFIRMED", confirmed_at=now, finished_at=now
        )
        outcome = "confirmed"
    else:
        moved = await services.store.attempts.transition(
            attempt.id,
            UNSETTLED,
            "FAILED",
            error_code="LOCK_REPORTED_FAILURE",
            error_message=observed.detail,
            finished_at=now,
        )
        outcome = "failed"
    if moved:
        await _record(services, attempt, outcome, observed.detail)
        await announce(services, attempt.id, "CONFIRMED" if observed.happened else "FAILED")


async def _record(
    services: Services, attempt: UnlockAttempt, outcome: str, detail: str | None
) -> None:
    await services.store.audit.append(
        actor="concierge",
        action=f"door.{attempt.action}.confirmation",
        target=attempt.door_key,
        outcome=outcome,
        vendor_reference=attempt.vendor_reference,
        detail={"attempt": attempt.id, "detail": detail},
    )
