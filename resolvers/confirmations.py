"""Confirmation: did an accepted (or unanswered) command really happen at the door?

A bounded poll of what the vendor records, until the attempt settles or its time is up:
RemoteLock's lock events (`unlocked_event` / `locked_event` from the lock, `succeeded` or
`failed`), ButterflyMX's door releases (the release a door release request created).
Runs in the server's task group, and again after a restart for attempts left unsettled.
Of several replicas watching one attempt, the store's compare-and-set lets one settle it.
The real-time issue replaces the poll with webhook events where the vendor sends them.
"""

from __future__ import annotations

import asyncio
import logging
from dataclasses import dataclass
from datetime import datetime, timedelta

from connectors.errors import VendorError, VendorNotFoundError
from connectors.policy import reset_deadline, set_deadline
from resolvers.services import ActionPolicy, Services
from resolvers.store.clock import utcnow
from resolvers.store.records import AttemptStatus, UnlockAttempt

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


async def confirm(services: Services, attempt_id: str) -> None:
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
            return
        await asyncio.sleep(policy.confirm_poll_s)


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
