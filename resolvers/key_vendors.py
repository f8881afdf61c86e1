"""What one visitor key is at the vendors: created step by step, undone in reverse.

Each vendor object is written to the store the moment its vendor returns it, so a later
step failing (or the request being cancelled) still knows everything to roll back:
the keychain is deleted (its QR keys go with it), accesses are revoked, a guest that never
opened a door is deleted and one that may have is deactivated, its schedule deleted.
Nothing here is retried: every create goes out once (connectors never resend a POST).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

from concierge.connectors.errors import VendorError, VendorNotFoundError
from concierge.resolvers.context import RequestContext
from concierge.resolvers.errors import vendor_error_message
from concierge.resolvers.outcomes import PinConflictError, VendorRefusedError
from concierge.resolvers.schedules import KeySchedule, overlaps
from concierge.resolvers.store.records import Credential

log = logging.getLogger(__name__)
HOLDING_PINS = ["current", "upcoming", "expired"]  # expired guests keep their PINs
VENDOR_NAMES = {"butterflymx": "ButterflyMX", "remotelock": "RemoteLock"}


@dataclass(frozen=True)
class KeyPlan:
    """What issuing one key asks of the vendors."""

    name: str
    unit_id: str  # ButterflyMX unit id
    tenant_id: str | None  # ButterflyMX tenant id, when the key is a tenant's
    schedule: KeySchedule
    recipients: tuple[str, ...]
    pin: str | None  # None: RemoteLock generates one
    qr: bool  # a ButterflyMX keychain with QR keys
    locks: tuple[str, ...]  # RemoteLock lock ids to give the guest


async def create(ctx: RequestContext, key_id: str, plan: KeyPlan) -> None:
    """Every vendor object of the key, or none: a failure rolls back and raises."""
    try:
        if plan.qr:
            await _keychain(ctx, key_id, plan)
        if plan.locks:
            await _guest(ctx, key_id, plan)
    except VendorError as exc:
        await rollback(ctx, key_id)
        vendor = VENDOR_NAMES.get(exc.vendor, exc.vendor)
        raise VendorRefusedError(
            f"{vendor_error_message(exc)}: the key was not issued, and what was already "
            f"created for it was removed again ({vendor} failed).",
            vendor=exc.vendor,
            retry_after=getattr(exc, "retry_after", None),
        ) from exc
    except BaseException:
        # Cancelled (or a bug) half-way: leave no orphan behind, then let it propagate.
        await rollback(ctx, key_id)
        raise


async def _keychain(ctx: RequestContext, key_id: str, plan: KeyPlan) -> None:
    keychains, store = ctx.services.butterflymx.keychains, ctx.services.store.keys
    owner = {"tenant_id": plan.tenant_id} if plan.tenant_id else {"unit_id": plan.unit_id}
    s = plan.schedule
    if s.kind == "recurring":
        weekly = s.butterflymx_recurring()
        keychain = await keychains.create_recurring(
            plan.name,
            weekdays=weekly.weekdays,
            start_date=weekly.start_date,
            end_date=weekly.end_date,
            time_from=weekly.time_from,
            time_to=weekly.time_to,
            recipients=plan.recipients,
            **owner,
        )
    else:
        create = keychains.create_custom if s.kind == "custom" else keychains.create_one_time
        keychain = await create(
            plan.name,
            starts_at=s.starts_at,
            ends_at=s.ends_at,
            recipients=plan.recipients,
            **owner,
        )
    await store.add_credential(
        key_id,
        vendor="butterflymx",
        kind="keychain",
        vendor_id=keychain.id,
        detail={"unit_id": plan.unit_id},
    )
    for virtual_key in keychain.virtual_keys:
        await store.add_credential(
            key_id,
            vendor="butterflymx",
            kind="virtual_key",
            vendor_id=virtual_key.id,
            detail={
                "keychain_id": keychain.id,
                "qr_code_image_url": virtual_key.qr_code_image_url,
                "email": virtual_key.email,
                "sms_number": virtual_key.sms_number,
            },
        )


async def _guest(ctx: RequestContext, key_id: str, plan: KeyPlan) -> None:
    remotelock, store = ctx.services.remotelock, ctx.services.store.keys
    s = plan.schedule
    schedule_id: str | None = None
    if s.weekly is not None:
        # Decision: a recurring key's PIN gets an access schedule (its weekdays and hours,
        # in the location's time) inside the guest's widest window, so the PIN opens the
        # lock exactly when the QR key opens the building.
        w = s.weekly
        schedule = await remotelock.schedules.create_access(
            plan.name, {day: [(w.time_from, w.time_to)] for day in w.weekdays}
        )
        schedule_id = schedule.id
        await store.add_credential(
            key_id, vendor="remotelock", kind="access_schedule", vendor_id=schedule.id
        )
    starts_at, ends_at = s.local_window()
    guest = await remotelock.people.create_guest(
        plan.name,
        starts_at=starts_at,
        ends_at=ends_at,
        pin=plan.pin,
        generate_pin=plan.pin is None,
    )
    await store.add_credential(
        key_id,
        vendor="remotelock",
        kind="access_guest",
        vendor_id=guest.id,
        detail={"pin": guest.pin, "status": guest.status},
    )
    for lock_id in plan.locks:
        access = await remotelock.accesses.create(
            guest.id, accessible_type="lock", accessible_id=lock_id, access_schedule_id=schedule_id
        )
        await store.add_credential(
            key_id,
            vendor="remotelock",
            kind="access",
            vendor_id=access.id,
            detail={"guest_id": guest.id, "lock_id": lock_id},
        )


async def rollback(ctx: RequestContext, key_id: str) -> list[Credential]:
    """Undo what the key created, newest first; the credentials that could not be undone."""
    key = await ctx.services.store.keys.get(key_id)
    left: list[Credential] = []
    for credential in reversed(key.credentials if key is not None else ()):
        try:
            await _undo(ctx, credential)
        except VendorNotFoundError:
            continue  # already gone
        except VendorError as exc:
            log.warning(
                "visitor key %s: could not roll back %s %s %s: %s",
                key_id,
                credential.vendor,
                credential.kind,
                credential.vendor_id,
                exc,
            )
            left.append(credential)
    await ctx.services.store.keys.set_status(key_id, "FAILED")
    return left


async def _undo(ctx: RequestContext, credential: Credential) -> None:
    services = ctx.services
    if credential.kind == "keychain":
        await services.butterflymx.keychains.delete(credential.vendor_id)
    elif credential.kind == "access":
        await services.remotelock.accesses.delete(
            credential.detail["guest_id"], credential.vendor_id
        )
    elif credential.kind == "access_guest":
        # An upcoming guest never opened a door: nothing to keep. A current one may have.
        if credential.detail.get("status") == "upcoming":
            await services.remotelock.people.delete(credential.vendor_id)
        else:
            await services.remotelock.people.deactivate(credential.vendor_id)
    elif credential.kind == "access_schedule":
        await services.remotelock.schedules.delete(credential.vendor_id)
    # virtual keys went with their keychain


async def revoke(ctx: RequestContext, credentials: tuple[Credential, ...]) -> None:
    """Take every credential out of use: keychains deleted, guests deactivated (history
    kept, their accesses and schedule with them, inert)."""
    services = ctx.services
    for credential in credentials:
        try:
            if credential.kind == "keychain":
                await services.butterflymx.keychains.delete(credential.vendor_id)
            elif credential.kind == "access_guest":
                await services.remotelock.people.deactivate(credential.vendor_id)
        except VendorNotFoundError:
            continue  # removed at the vendor already: revoked is what we want


async def check_pin_conflicts(ctx: RequestContext, pin: str, schedule: KeySchedule) -> None:
    """Refuse a PIN another person of the RemoteLock account holds, before any write,
    naming our visitor key when the person is one of ours.

    A PIN on the same lock at an overlapping time is the conflict a visitor would meet at
    the door; the vendor is stricter still and refuses any PIN a person who is not
    deactivated holds anywhere in the account (sandbox/remotelock/DECISIONS.md: the
    reference is silent). One walk of the account's persons covers both.
    """
    wanted = schedule.local_window()
    for person in await ctx.services.remotelock.people.list(statuses=HOLDING_PINS):
        if person.pin != pin:
            continue
        ours = await ctx.services.store.keys.by_vendor_object("remotelock", person.id)
        if ours is not None:
            holder, who = ours.name, f"visitor key {ours.name!r}"
        else:
            kind = "guest" if person.is_guest else "user"
            holder, who = person.name, f"RemoteLock {kind} {person.name!r}"
        when = (
            "at an overlapping time"
            if overlaps(wanted, (person.starts_at, person.ends_at))
            else "(RemoteLock PINs are unique across the account, whatever the times)"
        )
        raise PinConflictError(
            f"PIN {pin} is already held by {who} {when}: choose another PIN, or leave it "
            "out to have one generated.",
            holder=holder,
        )
