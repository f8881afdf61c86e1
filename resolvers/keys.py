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
from datetime import datetime
from typing import Any

from concierge.connectors.errors import VendorError
from concierge.resolvers import access
from concierge.resolvers.access import TenantView
from concierge.resolvers.checks import ADMIT_ALL, admitted_one, require
from concierge.resolvers.context import RequestContext
from concierge.resolvers.errors import vendor_error_message
from concierge.resolvers.key_plans import IssueRequest, plan_key, tenant_of
from concierge.resolvers.key_vendors import check_pin_conflicts, create, revoke
from concierge.resolvers.outcomes import (
    IdempotencyConflictError,
    InvalidInputError,
    NotFoundError,
    UnfinishedError,
    VendorRefusedError,
)
from concierge.resolvers.schedules import KeySchedule, check_pin
from concierge.resolvers.store.records import VisitorKey
from concierge.resolvers.unlocks import MAX_KEY_LENGTH


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
    # The unit's building, when looked up by id (an operator's check needs it); None
    # elsewhere, where the key is reached under its unit.
    building_id: str | None = None


def key_view(record: VisitorKey, building_id: str | None = None) -> VisitorKeyView:
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
        building_id=building_id,
    )


async def keys_by_id(ctx: RequestContext, node_keys: list[str]) -> list[VisitorKeyView | None]:
    found = [await ctx.services.store.keys.get(k) for k in node_keys]
    buildings: dict[str, str | None] = {}
    if ctx.checks is not ADMIT_ALL:
        # A key is as visible as its unit: an operator's check needs the unit's building.
        unit_ids = sorted({r.unit_id for r in found if r is not None})
        units = await access.units_by_id(ctx, [f"butterflymx:{u}" for u in unit_ids])
        buildings = {u: v.building_id if v else None for u, v in zip(unit_ids, units, strict=True)}
    return [key_view(r, buildings.get(r.unit_id)) if r is not None else None for r in found]


async def unit_keys(ctx: RequestContext, unit_id: str) -> list[VisitorKeyView]:
    return [key_view(r) for r in await ctx.services.store.keys.by_unit(unit_id)]


async def issue(ctx: RequestContext, request: IssueRequest) -> VisitorKeyView:
    """Issue a key once per idempotency key; refusals raise an `ActionError`."""
    require(ctx.checks, "keys")
    _check_idempotency_key(request.idempotency_key)
    plan = await plan_key(ctx, request)
    if plan.pin is not None and plan.locks:
        await check_pin_conflicts(ctx, plan.pin, plan.schedule)
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
    require(ctx.checks, "keys")
    _check_idempotency_key(idempotency_key)
    store, principal = ctx.services.store, ctx.principal
    # Nested: a key is as visible as its unit, which is checked next.
    record = admitted_one(ctx.checks, await store.keys.get(key_node), nested=True)
    if record is not None:
        # A key is as visible as its unit.
        unit = (await access.units_by_id(ctx, [f"butterflymx:{record.unit_id}"]))[0]
        if admitted_one(ctx.checks, unit) is None:
            record = None
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
    require(ctx.checks, "pins")
    _check_idempotency_key(idempotency_key)
    check_pin(pin)
    tenant = await tenant_of(ctx, tenant_key)
    store, principal = ctx.services.store, ctx.principal
    fingerprint = _fingerprint({"tenant": tenant_key, "pin": pin})
    claim = await store.idempotency.claim(principal, idempotency_key, "setTenantPin", fingerprint)
    if not claim.owner:
        _check_replay(claim.matches(fingerprint), claim.record.operation, "setTenantPin")
        # A replay reads the PIN back; it never sends the PUT again (the tenant may have
        # changed it at the panel since, and a replay must not undo that).
        await _wait_first(ctx, idempotency_key)
        try:
            stored = await ctx.services.butterflymx.pins.get(tenant.id)
        except VendorError as exc:
            raise VendorRefusedError(vendor_error_message(exc), vendor=exc.vendor) from exc
        return tenant, stored.code
    try:
        await ctx.services.butterflymx.pins.set(tenant.id, pin)
        stored = await ctx.services.butterflymx.pins.get(tenant.id)
    except VendorError as exc:
        await store.idempotency.release(principal, idempotency_key)
        await _audit(ctx, "tenant.pin", f"Tenant:{tenant.key}", "failed", exc.vendor)
        raise VendorRefusedError(vendor_error_message(exc), vendor=exc.vendor) from exc
    except BaseException:
        await store.idempotency.release(principal, idempotency_key)
        raise
    await _audit(ctx, "tenant.pin", f"Tenant:{tenant.key}", "set", f"pin:{tenant.id}")
    await store.idempotency.complete(principal, idempotency_key, {"tenant": tenant.key})
    return tenant, stored.code


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


async def _wait_first(ctx: RequestContext, idempotency_key: str) -> dict[str, Any]:
    """The result of the first request with this key, once it finished."""
    record = await ctx.services.store.idempotency.wait(
        ctx.principal, idempotency_key, ctx.services.actions.replay_wait_s
    )
    if record is None or record.result is None:
        raise UnfinishedError(
            "The first request with this idempotencyKey has not finished (or was given up "
            "before reaching any vendor); retry with the same key."
        )
    return record.result


async def _replay(ctx: RequestContext, idempotency_key: str) -> VisitorKeyView:
    result = await _wait_first(ctx, idempotency_key)
    found = await ctx.services.store.keys.get(str(result["key_id"]))
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
