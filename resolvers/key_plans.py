"""Issuing a visitor key, planned: the input checked completely (owner, schedule,
recipients, PIN, doors) and turned into what the vendors will be asked, before any call."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from concierge.resolvers import access, doors
from concierge.resolvers.access import TenantView, UnitView
from concierge.resolvers.checks import admitted_one
from concierge.resolvers.context import RequestContext
from concierge.resolvers.key_vendors import KeyPlan
from concierge.resolvers.outcomes import DoorNotCapableError, InvalidInputError, NotFoundError
from concierge.resolvers.schedules import (
    KeySchedule,
    building_zone,
    check_pin,
    recurring,
    split_recipients,
    window,
)
from concierge.resolvers.store.clock import utcnow


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


async def plan_key(ctx: RequestContext, request: IssueRequest) -> KeyPlan:
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
    tenant = await tenant_of(ctx, request.tenant_key) if request.tenant_key else None
    unit_key = request.unit_key or (f"butterflymx:{tenant.unit_id}" if tenant else None)
    if unit_key is None:
        raise InvalidInputError("Give unitId or tenantId: whose visitor is it?", "unitId")
    unit = admitted_one(ctx.checks, (await access.units_by_id(ctx, [unit_key]))[0])
    if unit is None:
        raise NotFoundError("There is no such unit (or you may not issue keys for it).")
    if tenant is not None and tenant.unit_id != unit.id:
        raise InvalidInputError("That tenant does not live in that unit.", field="tenantId")
    return unit, tenant


async def tenant_of(ctx: RequestContext, tenant_key: str) -> TenantView:
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
