"""Unlocking and locking doors: idempotent, sent to the vendor once, confirmed afterwards.

An attempt goes `PENDING` (written before the vendor is asked) → `ACCEPTED` (the vendor
took the command) → `CONFIRMED` (a vendor event or record shows it happened), or ends
`FAILED` / `TIMED_OUT`. A vendor that does not answer in time leaves it `UNKNOWN`: the
door may have opened, so the command is never sent again; the confirmation step
(`resolvers.confirmations`) settles it either way.

Idempotency is Stripe's: the first request with a key owns it (a unique row in the store,
so concurrent requests, restarts and replicas agree); the others wait for its answer and
return exactly that answer; the same key with other input is a conflict.
"""

from __future__ import annotations

import asyncio
import hashlib
import json
import uuid
from dataclasses import asdict, dataclass
from datetime import datetime
from typing import Any

from concierge.connectors.errors import (
    CircuitOpenError,
    VendorAuthError,
    VendorError,
    VendorForbiddenError,
    VendorProtocolError,
    VendorRateLimitedError,
    VendorTimeoutError,
)
from concierge.resolvers import access, doors
from concierge.resolvers.checks import admitted_one, require
from concierge.resolvers.confirmations import announce, start_confirmation
from concierge.resolvers.context import RequestContext
from concierge.resolvers.doors import DoorView
from concierge.resolvers.errors import vendor_error_code, vendor_error_message
from concierge.resolvers.ids import vendor_id
from concierge.resolvers.outcomes import (
    DoorNotCapableError,
    DoorOfflineError,
    IdempotencyConflictError,
    InvalidInputError,
    NotFoundError,
    RelinkRequiredError,
    StoreDownError,
    UnfinishedError,
    VendorRefusedError,
)
from concierge.resolvers.residents import ResidentNotLinkedError
from concierge.resolvers.store.clock import utcnow
from concierge.resolvers.store.errors import StoreUnavailableError
from concierge.resolvers.store.records import UnlockAttempt

ATTEMPT_NAMESPACE = uuid.UUID("6f1c7a52-3f0e-4d5e-9a57-1f6b2c0d9e41")
MAX_KEY_LENGTH = 255


@dataclass(frozen=True, slots=True)
class AttemptView:
    key: str  # the attempt's id: its node key
    door_key: str  # the door's node key, e.g. "remotelock.lock:<id>"
    action: str  # unlock | lock
    tenant_key: str | None
    vendor: str
    status: str
    created_at: datetime
    vendor_reference: str | None = None
    error_code: str | None = None
    error_message: str | None = None
    accepted_at: datetime | None = None
    confirmed_at: datetime | None = None
    finished_at: datetime | None = None
    principal: str | None = None  # who asked: they may read it again
    building_id: str | None = None  # the door's building: its operators may read it too


def attempt_view(record: UnlockAttempt) -> AttemptView:
    return AttemptView(
        key=record.id,
        door_key=record.door_key,
        action=record.action,
        tenant_key=record.tenant_id,
        vendor=record.vendor,
        status=record.status,
        created_at=record.created_at,
        vendor_reference=record.vendor_reference,
        error_code=record.error_code,
        error_message=record.error_message,
        accepted_at=record.accepted_at,
        confirmed_at=record.confirmed_at,
        finished_at=record.finished_at,
        principal=record.principal,
        building_id=record.building_id,
    )


def snapshot(view: AttemptView) -> dict[str, Any]:
    """The answer as the first request gave it, for replays (JSON in the store)."""
    return {k: v.isoformat() if isinstance(v, datetime) else v for k, v in asdict(view).items()}


def from_snapshot(data: dict[str, Any]) -> AttemptView:
    times = ("created_at", "accepted_at", "confirmed_at", "finished_at")
    fields: dict[str, Any] = {
        k: datetime.fromisoformat(v) if k in times and v else v for k, v in data.items()
    }
    return AttemptView(**fields)


async def attempts_by_id(ctx: RequestContext, node_keys: list[str]) -> list[AttemptView | None]:
    found = [await ctx.services.store.attempts.get(k) for k in node_keys]
    return [attempt_view(r) if r is not None else None for r in found]


async def act(
    ctx: RequestContext,
    *,
    action: str,
    door_key: str,
    tenant_key: str | None,
    idempotency_key: str,
) -> AttemptView:
    """Unlock or lock a door once per idempotency key; refusals raise an `ActionError`."""
    require(ctx.checks, action)
    if not idempotency_key or len(idempotency_key) > MAX_KEY_LENGTH:
        raise InvalidInputError(
            f"idempotencyKey must be 1 to {MAX_KEY_LENGTH} characters", field="idempotencyKey"
        )
    door = await _door(ctx, door_key, action)
    tenant_id = await _tenant(ctx, door, tenant_key)
    fingerprint = _fingerprint(action, door_key, tenant_key)
    store = ctx.services.store
    operation = f"{action}Door"
    try:
        claim = await store.idempotency.claim(
            ctx.principal, idempotency_key, operation, fingerprint
        )
    except StoreUnavailableError as exc:
        # Without the claim, a retry could unlock twice: refuse before the vendor is asked.
        raise StoreDownError(
            "Concierge cannot reach its database, so it cannot make this safe to retry; "
            "nothing was sent to the door. Try again shortly."
        ) from exc
    attempt_id = str(
        uuid.uuid5(
            ATTEMPT_NAMESPACE,
            f"{ctx.principal}\0{idempotency_key}\0{claim.record.created_at.isoformat()}",
        )
    )
    if not claim.owner:
        if not claim.matches(fingerprint) or claim.record.operation != operation:
            raise IdempotencyConflictError(
                f"idempotencyKey {idempotency_key!r} was already used for a different request; "
                "use a new key for a new request"
            )
        return await _replay(ctx, idempotency_key, attempt_id)
    # Once the key is ours, the action runs to its end in the server's task group: a client
    # that disconnects mid-unlock must not leave a half-recorded attempt (was the door
    # opened?) behind a key every retry would wait on.
    owner = ctx.services.tasks.start(
        _own(ctx, attempt_id, door, tenant_key, tenant_id, idempotency_key, action),
        name=f"{operation} {attempt_id}",
    )
    return await asyncio.shield(owner)


async def _own(
    ctx: RequestContext,
    attempt_id: str,
    door: DoorView,
    tenant_key: str | None,
    tenant_id: str | None,
    idempotency_key: str,
    action: str,
) -> AttemptView:
    store = ctx.services.store
    try:
        record = await store.attempts.create(
            attempt_id=attempt_id,
            door_key=door.node_id,
            action="unlock" if action == "unlock" else "lock",
            principal=ctx.principal,
            vendor=door.vendor,
            tenant_id=tenant_key,
            building_id=door.building_id,
        )
    except BaseException:
        await store.idempotency.release(ctx.principal, idempotency_key)
        raise
    await announce(ctx.services, record.id, record.status)
    view = await _send(ctx, record, door, tenant_id, idempotency_key)
    await store.idempotency.complete(ctx.principal, idempotency_key, snapshot(view))
    return view


async def _door(ctx: RequestContext, door_key: str, action: str) -> DoorView:
    found = admitted_one(ctx.checks, (await doors.doors_by_id(ctx, [door_key]))[0])
    if found is None:
        raise NotFoundError("There is no such door (or you may not act on it).")
    can = found.capabilities.can_unlock if action == "unlock" else found.capabilities.can_lock
    if not can:
        raise DoorNotCapableError(
            f"{found.name}: {_vendor_name(found.vendor)} cannot {action} this kind of door "
            f"({found.kind.lower().replace('_', ' ')})."
        )
    if found.online is False:
        raise DoorOfflineError(
            f"{found.name} is offline: the lock cannot receive a command until it reconnects."
        )
    return found


async def _tenant(ctx: RequestContext, door: DoorView, tenant_key: str | None) -> str | None:
    """The vendor id of the tenant acting; ButterflyMX opens doors on a tenant's behalf."""
    if tenant_key is None:
        if door.vendor == "butterflymx":
            raise InvalidInputError(
                "ButterflyMX opens doors on behalf of a tenant: give tenantId.", field="tenantId"
            )
        return None
    tenant = admitted_one(ctx.checks, (await access.tenants_by_id(ctx, [tenant_key]))[0])
    if tenant is None:
        raise NotFoundError("There is no such tenant (or you may not act for them).")
    if door.building_id is not None and tenant.building_id != door.building_id:
        raise InvalidInputError(
            f"That tenant does not live in the building of {door.name}.", field="tenantId"
        )
    if door.kind == "UNIT_LOCK" and door.unit_id is not None and tenant.unit_id != door.unit_id:
        raise InvalidInputError(
            f"{door.name} is another unit's door: that tenant cannot open it.", field="tenantId"
        )
    return vendor_id(tenant_key)


async def _send(
    ctx: RequestContext,
    record: UnlockAttempt,
    door: DoorView,
    tenant_id: str | None,
    idempotency_key: str,
) -> AttemptView:
    """The one vendor call, never retried; the attempt as it stands afterwards."""
    services, store = ctx.services, ctx.services.store
    try:
        reference = await _command(ctx, door, record.action, tenant_id)
    except (CircuitOpenError, VendorRateLimitedError) as exc:
        # Nothing was sent: the attempt never happened and the key may be used again.
        await store.attempts.update(record.id, status="FAILED", error_code=vendor_error_code(exc))
        await announce(services, record.id, "FAILED")
        await store.idempotency.release(ctx.principal, idempotency_key)
        await _audit(ctx, record, "refused", None, vendor_error_code(exc))
        raise VendorRefusedError(
            vendor_error_message(exc), exc.vendor, getattr(exc, "retry_after", None)
        ) from exc
    except ResidentNotLinkedError as exc:
        # The resident's tokens were refused before anything was sent (a 401 is answered
        # before the vendor acts): as above, and the client is told to link again.
        await store.attempts.update(record.id, status="FAILED", error_code=exc.code)
        await announce(services, record.id, "FAILED")
        await store.idempotency.release(ctx.principal, idempotency_key)
        await _audit(ctx, record, "refused", None, exc.code)
        raise RelinkRequiredError(exc.message, "butterflymx", exc.relink) from exc
    except (VendorTimeoutError, VendorProtocolError) as exc:
        # Sent, but we cannot tell whether it landed: never resend; confirmation decides.
        updated = await store.attempts.update(
            record.id, status="UNKNOWN", error_code=vendor_error_code(exc)
        )
        outcome = "unknown"
    except VendorError as exc:
        updated = await store.attempts.update(
            record.id,
            status="FAILED",
            error_code=vendor_error_code(exc),
            error_message=vendor_error_message(exc),
            finished_at=utcnow(),
        )
        await _audit(ctx, record, "failed", None, vendor_error_code(exc))
        await announce(services, updated.id, updated.status)
        return attempt_view(updated)
    else:
        updated = await store.attempts.update(
            record.id, status="ACCEPTED", vendor_reference=reference, accepted_at=utcnow()
        )
        outcome = "accepted"
    _invalidate(ctx, door)
    await announce(services, updated.id, updated.status)
    await _audit(ctx, record, outcome, updated.vendor_reference, updated.error_code)
    start_confirmation(services, updated.id)
    return attempt_view(updated)


async def _command(ctx: RequestContext, door: DoorView, action: str, tenant_id: str | None) -> str:
    """Send the command; the vendor's reference for what it did."""
    services = ctx.services
    if door.vendor == "remotelock":
        lock = services.remotelock.doors
        await (lock.unlock if action == "unlock" else lock.lock)(door.vendor_id)
        return f"device:{door.vendor_id}"
    assert tenant_id is not None  # `_tenant` requires one for ButterflyMX
    target = (
        {"access_point_id": door.vendor_id}
        if door.source == doors.ACCESS_POINT
        else {"device_id": door.vendor_id}
    )
    residents = services.residents
    own = await residents.linked(ctx.resident) if residents and ctx.resident else None
    try:
        request = await services.butterflymx.doors.unlock(tenant_id, tokens=own, **target)
    except VendorForbiddenError:
        raise  # a 403 is about the door, not the link
    except VendorAuthError as exc:
        if own is None or residents is None:
            raise
        raise await residents.refused(own.principal) from exc
    if request.door_release_id is not None:
        return f"door_release:{request.door_release_id}"
    return f"door_release_request:{request.id}"


async def _replay(ctx: RequestContext, idempotency_key: str, attempt_id: str) -> AttemptView:
    """The first request's answer, once it has one (or the attempt as it stands)."""
    store = ctx.services.store
    record = await store.idempotency.wait(
        ctx.principal, idempotency_key, ctx.services.actions.replay_wait_s
    )
    if record is not None and record.result is not None:
        return from_snapshot(record.result)
    found = await store.attempts.get(attempt_id)
    if found is None:
        raise UnfinishedError(
            "The first request with this idempotencyKey did not reach the vendor; retry "
            "with the same key."
        )
    return attempt_view(found)


async def _audit(
    ctx: RequestContext,
    record: UnlockAttempt,
    outcome: str,
    reference: str | None,
    error_code: str | None,
) -> None:
    await ctx.services.store.audit.append(
        actor=ctx.principal,
        action=f"door.{record.action}",
        target=record.door_key,
        outcome=outcome,
        vendor_reference=reference,
        detail={"attempt": record.id, "tenant": record.tenant_id, "error": error_code},
    )


def _invalidate(ctx: RequestContext, door: DoorView) -> None:
    """The next read shows the door as the command left it."""
    if door.vendor == "remotelock":
        account = ctx.services.account("remotelock")
        ctx.services.cache.invalidate(("remotelock", account, "locks"))
        ctx.services.cache.invalidate(("remotelock", account, "device"))


def _fingerprint(action: str, door_key: str, tenant_key: str | None) -> str:
    canonical = json.dumps({"action": action, "door": door_key, "tenant": tenant_key})
    return hashlib.sha256(canonical.encode()).hexdigest()


def _vendor_name(vendor: str) -> str:
    return {"butterflymx": "ButterflyMX", "remotelock": "RemoteLock"}.get(vendor, vendor)
