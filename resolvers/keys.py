"""Visitor keys: issue (a ButterflyMX keychain with QR keys and, where the unit has a
RemoteLock lock, a guest with a PIN), revoke, and tenants' ButterflyMX keypad PINs.

Input is checked completely before any vendor is asked; then the key is claimed under
its idempotency key (as unlocks are: the first request does the work, replays get its
answer) and built by `key_vendors`, which rolls back on failure.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from connectors.errors import VendorError
from resolvers import access, doors
from resolvers.access import TenantView, UnitView
from resolvers.checks import admitted_one
from resolvers.context import RequestContext
from resolvers.errors import vendor_error_message
from resolvers.key_vendors import KeyPlan, check_pin_conflicts, create, revoke
from resolvers.outcomes import (
    DoorNotCapableError,
    IdempotencyConflictError,
    InvalidInputError,
    NotFoundError,
    VendorRefusedError,
)
from resolvers.schedules import (
    KeySchedule,
    building_zone,
    check_pin,
    recurring,
    split_recipients,
    window,
)
from resolvers.store.clock import utcnow
from resolvers.store.records import VisitorKey
from resolvers.unlocks import MAX_KEY_LENGTH


@dataclass(frozen=True, slots=True)
class CredentialView:
    vendor: str
    kind: str  # keychain | virtual_key | access_schedule | access_guest | access
    vendor_id: str
    qr_code_image_url: str | None
    email: str | None
    sms_number: str | None


@dataclass(frozen=True, slots=True)
class VisitorKeyView:
    key: str  # our key id: its node key
    name: str
    unit_key: str
    tenant_key: str | None
    status: str
    schedule: KeySchedule
    pin: str | None
    created_at: datetime
    revoked_at: datetime | None
    credentials: tuple[CredentialView, ...]


@dataclass(frozen=True)
class IssueRequest:
    unit_key: str | None
    tenant_key: str | None
    name: str
    recipients: list[str]
    kind: str  # custom | recurring | one_time
    starts_at: datetime | None
    ends_at: datetime | None
    weekdays: list[str]
    start_date: date | None
    end_date: date | None
    time_from: str | None
    time_to: str | None
    door_keys: list[str] | None
    pin: str | None
    idempotency_key: str


def key_view(record: VisitorKey) -> VisitorKeyView:
    # The guest's PIN is the key's PIN (generated when none was given).
    pins = [c.detail.get("pin") for c in record.credentials if c.kind == "access_guest"]
    return VisitorKeyView(
        key=record.id,
        name=record.name,
        unit_key=f"butterflymx:{record.unit_id}",
        tenant_key=f"butterflymx:{record.tenant_id}" if record.tenant_id else None,
        status=record.status,
        schedule=KeySchedule.from_store(record.schedule),
        pin=record.pin or next((p for p in pins if p), None),
        created_at=record.created_at,
        revoked_at=record.revoked_at,
        credentials=tuple(
            CredentialView(
                vendor=c.vendor,
                kind=c.kind,
                vendor_id=c.vendor_id,
                qr_code_image_url=c.detail.get("qr_code_image_url"),
                email=c.detail.get("email"),
                sms_number=c.detail.get("sms_number"),
            )
            for c in record.credentials
        ),
    )


async def keys_by_id(ctx: RequestContext, node_keys: list[str]) -> list[VisitorKeyView | None]:
    found = [await ctx.services.store.keys.get(k) for k in node_keys]
    return [key_view(r) if r is not None else None for r in found]


async def unit_keys(ctx: RequestContext, unit_id: str) -> list[VisitorKeyView]:
    return [key_view(r) for r in await ctx.services.store.keys.by_unit(unit_id)]


async def issue(ctx: RequestContext, request: IssueRequest) -> VisitorKeyView:
    """Issue a key once per idempotency key; refusals raise an `ActionError`."""
    _check_idempotency_key(request.idempotency_key)
    plan = await _plan(ctx, request)
    if plan.pin is not None and plan.locks:
        await check_pin_conflicts(ctx, plan.pin, plan.locks, plan.schedule)
    store, principal = ctx.services.store, ctx.principal
    fingerprint = _fingerprint({k: str(v) for k, v in request.__dict__.items()})
    claim = await store.idempotency.claim(
        principal, request.idempotency_key, "issueKey", fingerprint
    )
    if not claim.owner:
        _check_replay(claim.matches(fingerprint), claim.record.operation, "issueKey")
        return await _replay(ctx, request.idempotency_key)
    try:
        record = await store.keys.create(
            unit_id=plan.unit_id,
            name=plan.name,
            schedule=plan.schedule.to_store(),
            tenant_id=plan.tenant_id,
            pin=plan.pin,
        )
    except BaseException:
        await store.idempotency.release(principal, request.idempotency_key)
        raise
    try:
        await create(ctx, record.id, plan)
    except VendorRefusedError as exc:
        # Rolled back: nothing stands at any vendor, so the key may be used again.
        await store.idempotency.release(principal, request.idempotency_key)
        await _audit(ctx, "key.issue", f"VisitorKey:{record.id}", "failed", exc.vendor)
        raise
    except BaseException:
        await store.idempotency.release(principal, request.idempotency_key)
        raise
    done = await store.keys.set_status(record.id, "ACTIVE")
    _invalidate(ctx, plan.unit_id, bool(plan.locks))
    await _audit(ctx, "key.issue", f"VisitorKey:{done.id}", "issued", _references(done))
    await store.idempotency.complete(principal, request.idempotency_key, {"key_id": done.id})
    return key_view(done)


async def revoke_key(ctx: RequestContext, key_node: str, idempotency_key: str) -> VisitorKeyView:
    """Take a key out of use everywhere; revoking a revoked key changes nothing."""
    _check_idempotency_key(idempotency_key)
    store, principal = ctx.services.store, ctx.principal
    record = admitted_one(ctx.checks, await store.keys.get(key_node))
    if record is None:
        raise NotFoundError("There is no such visitor key (or you may not revoke it).")
    if record.status == "CREATING":
        raise InvalidInputError("That key is still being issued; try again shortly.", "keyId")
    fingerprint = _fingerprint({"key": key_node})
    claim = await store.idempotency.claim(principal, idempotency_key, "revokeKey", fingerprint)
    if not claim.owner:
        _check_replay(claim.matches(fingerprint), claim.record.operation, "revokeKey")
        return await _replay(ctx, idempotency_key)
    try:
        if record.status == "ACTIVE":
            await revoke(ctx, record.credentials)
            record = await store.keys.set_status(record.id, "REVOKED")
            _invalidate(ctx, record.unit_id, True)
    except VendorError as exc:
        await store.idempotency.release(principal, idempotency_key)
        await _audit(ctx, "key.revoke", f"VisitorKey:{record.id}", "failed", exc.vendor)
        raise VendorRefusedError(
            f"{vendor_error_message(exc)}: the key is still active; retry to finish revoking.",
            vendor=exc.vendor,
        ) from exc
    except BaseException:
        await store.idempotency.release(principal, idempotency_key)
        raise
    await _audit(ctx, "key.revoke", f"VisitorKey:{record.id}", record.status.lower(), None)
    await store.idempotency.complete(principal, idempotency_key, {"key_id": record.id})
    return key_view(record)


async def set_tenant_pin(
    ctx: RequestContext, tenant_key: str, pin: str, idempotency_key: str
) -> tuple[TenantView, str]:
    """Set a tenant's ButterflyMX keypad PIN; the tenant and the PIN as read back."""
    _check_idempotency_key(idempotency_key)
    check_pin(pin)
    tenant = await _tenant(ctx, tenant_key)
    store, principal = ctx.services.store, ctx.principal
    fingerprint = _fingerprint({"tenant": tenant_key, "pin": pin})
    claim = await store.idempotency.claim(principal, idempotency_key, "setTenantPin", fingerprint)
    if not claim.owner:
        _check_replay(claim.matches(fingerprint), claim.record.operation, "setTenantPin")
    try:
        # Setting the same PIN again leaves the same state: a replay may simply redo it.
        await ctx.services.butterflymx.pins.set(tenant.id, pin)
        stored = await ctx.services.butterflymx.pins.get(tenant.id)
    except VendorError as exc:
        if claim.owner:
            await store.idempotency.release(principal, idempotency_key)
        await _audit(ctx, "tenant.pin", f"Tenant:{tenant.key}", "failed", exc.vendor)
        raise VendorRefusedError(vendor_error_message(exc), vendor=exc.vendor) from exc
    if claim.owner:
        await _audit(ctx, "tenant.pin", f"Tenant:{tenant.key}", "set", f"pin:{tenant.id}")
        await store.idempotency.complete(principal, idempotency_key, {"tenant": tenant.key})
    return tenant, stored.code


async def _plan(ctx: RequestContext, request: IssueRequest) -> KeyPlan:
    """Everything the vendors will be asked, checked; raises before any vendor write."""
    name = request.name.strip()
    if not name:
        raise InvalidInputError("A key needs a name (the visitor sees it).", field="name")
    unit, tenant = await _owner(ctx, request)
    building = await access.building(ctx, unit.building_id)
    zone = building_zone(building.time_zone if building is not None else None)
    schedule = _schedule(request, zone)
    recipients = split_recipients(request.recipients)
    pin = check_pin(request.pin) if request.pin is not None else None
    qr, locks = await _doors(ctx, unit, request.door_keys)
    if qr and not recipients:
        raise InvalidInputError(
            "QR keys are sent to people: give at least one e-mail or phone.", "recipients"
        )
    if pin is not None and not locks:
        raise InvalidInputError("A PIN needs a RemoteLock lock among the doors.", field="pin")
    return KeyPlan(
        name=name,
        unit_id=unit.id,
        tenant_id=tenant.id if tenant is not None else None,
        schedule=schedule,
        recipients=tuple(recipients),
        pin=pin,
        qr=qr,
        locks=locks,
    )


async def _owner(ctx: RequestContext, request: IssueRequest) -> tuple[UnitView, TenantView | None]:
    tenant = await _tenant(ctx, request.tenant_key) if request.tenant_key else None
    unit_key = request.unit_key or (f"butterflymx:{tenant.unit_id}" if tenant else None)
    if unit_key is None:
        raise InvalidInputError("Give unitId or tenantId: whose visitor is it?", "unitId")
    unit = admitted_one(ctx.checks, (await access.units_by_id(ctx, [unit_key]))[0])
    if unit is None:
        raise NotFoundError("There is no such unit (or you may not issue keys for it).")
    if tenant is not None and tenant.unit_id != unit.id:
        raise InvalidInputError("That tenant does not live in that unit.", field="tenantId")
    return unit, tenant


async def _tenant(ctx: RequestContext, tenant_key: str) -> TenantView:
    found = admitted_one(ctx.checks, (await access.tenants_by_id(ctx, [tenant_key]))[0])
    if found is None:
        raise NotFoundError("There is no such tenant (or you may not act for them).")
    return found


def _schedule(request: IssueRequest, zone: str) -> KeySchedule:
    now = utcnow()
    if request.kind == "recurring":
        assert request.start_date is not None
        assert request.end_date is not None
        return recurring(
            request.weekdays,
            request.start_date,
            request.end_date,
            request.time_from or "",
            request.time_to or "",
            zone,
            now,
        )
    assert request.starts_at is not None
    assert request.ends_at is not None
    return window(request.kind, request.starts_at, request.ends_at, zone, now)


async def _doors(
    ctx: RequestContext, unit: UnitView, door_keys: list[str] | None
) -> tuple[bool, tuple[str, ...]]:
    """(a QR keychain?, the RemoteLock locks) the key opens."""
    if door_keys is None:
        # Default: the building's entrances (a keychain opens them all) and the unit's locks.
        own = ctx.services.site_map.locks_for_unit(unit.id)
        return True, tuple(lock.vendor_id for lock in own if lock.vendor == "remotelock")
    if not door_keys:
        raise InvalidInputError("doorIds is empty: leave it out for the unit's doors.", "doorIds")
    qr, locks = False, []
    for door_key, found in zip(door_keys, await doors.doors_by_id(ctx, door_keys), strict=True):
        door = admitted_one(ctx.checks, found)
        if door is None:
            raise NotFoundError(f"There is no such door: {door_key} (or you may not use it).")
        if door.building_id != unit.building_id:
            raise InvalidInputError(f"{door.name} is in another building.", field="doorIds")
        caps = door.capabilities
        if not (caps.can_issue_qr_key or caps.can_issue_pin):
            raise DoorNotCapableError(
                f"{door.name}: its vendor takes neither QR keys nor PINs for this door."
            )
        if door.kind == "UNIT_LOCK" and door.unit_id != unit.id:
            raise InvalidInputError(f"{door.name} is another unit's door.", field="doorIds")
        # ButterflyMX keychains cannot be narrowed: one opens every entrance of the building.
        qr = qr or caps.can_issue_qr_key
        if caps.can_issue_pin and door.vendor_id not in locks:
            locks.append(door.vendor_id)
    return qr, tuple(locks)


def _check_idempotency_key(key: str) -> None:
    if not key or len(key) > MAX_KEY_LENGTH:
        raise InvalidInputError(
            f"idempotencyKey must be 1 to {MAX_KEY_LENGTH} characters", field="idempotencyKey"
        )


def _check_replay(matches: bool, operation: str, wanted: str) -> None:
    if not matches or operation != wanted:
        raise IdempotencyConflictError(
            "This idempotencyKey was already used for a different request; "
            "use a new key for a new request."
        )


async def _replay(ctx: RequestContext, idempotency_key: str) -> VisitorKeyView:
    store = ctx.services.store
    record = await store.idempotency.wait(
        ctx.principal, idempotency_key, ctx.services.actions.replay_wait_s
    )
    if record is None or record.result is None:
        raise VendorRefusedError(
            "The first request with this idempotencyKey did not finish; retry.", "concierge"
        )
    found = await store.keys.get(str(record.result["key_id"]))
    assert found is not None  # keys are never deleted
    return key_view(found)


async def _audit(
    ctx: RequestContext, action: str, target: str, outcome: str, reference: str | None
) -> None:
    await ctx.services.store.audit.append(
        actor=ctx.principal,
        action=action,
        target=target,
        outcome=outcome,
        vendor_reference=reference,
    )


def _references(record: VisitorKey) -> str:
    return ",".join(
        f"{c.kind}:{c.vendor_id}" for c in record.credentials if c.kind != "virtual_key"
    )


def _invalidate(ctx: RequestContext, unit_id: str, remotelock: bool) -> None:
    """The next read of the unit's keychains and the locks' guests shows the change."""
    services = ctx.services
    services.cache.invalidate(
        ("butterflymx", services.account("butterflymx"), "keychains", unit_id)
    )
    if remotelock:
        account = services.account("remotelock")
        for part in ("lock_guests", "guests", "guests_by_id"):
            services.cache.invalidate(("remotelock", account, part))


def _fingerprint(data: dict[str, Any]) -> str:
    canonical = json.dumps(data, sort_keys=True)
    return hashlib.sha256(canonical.encode()).hexdigest()
