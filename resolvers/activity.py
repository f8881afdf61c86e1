"""Intercom activity and visitor keys in the graph's vocabulary: calls, door releases,
keychains with their QR keys (ButterflyMX), and access guests (RemoteLock)."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import datetime
from typing import TypeVar

from concierge.connectors.butterflymx.calls import Call
from concierge.connectors.butterflymx.events import DoorRelease
from concierge.connectors.butterflymx.keys import Keychain
from concierge.connectors.errors import VendorNotFoundError
from concierge.connectors.remotelock.people import AccessPerson
from concierge.resolvers.context import RequestContext
from concierge.resolvers.ids import vendor_id, vendor_ids

R = TypeVar("R")
V = TypeVar("V")


@dataclass(frozen=True, slots=True)
class CallView:
    key: str
    guid: str
    call_type: str | None  # voip | mobile; None for anything else the vendor sends
    notification_type: str | None
    status: str | None
    panel_name: str | None
    created_at: datetime


@dataclass(frozen=True, slots=True)
class DoorReleaseView:
    key: str
    release_method: str
    release_type: str | None
    name: str | None
    call_guid: str | None
    created_at: datetime


@dataclass(frozen=True, slots=True)
class VirtualKeyView:
    name: str
    email: str | None
    sms_number: str | None
    qr_code_image_url: str | None
    used_at: datetime | None


@dataclass(frozen=True, slots=True)
class KeychainView:
    key: str
    name: str
    kind: str | None  # custom | recurring | one_time; None for anything else
    starts_at: datetime | None
    ends_at: datetime | None
    weekdays: tuple[str, ...] | None
    time_from: str | None
    time_to: str | None
    virtual_keys: tuple[VirtualKeyView, ...]


@dataclass(frozen=True, slots=True)
class AccessGuestView:
    key: str
    name: str
    email: str | None
    status: str
    pin: str | None
    starts_at: datetime | None
    ends_at: datetime | None


def call_view(record: Call) -> CallView:
    return CallView(
        key=f"butterflymx:{record.guid}",
        guid=record.guid,
        call_type=record.call_type if record.call_type in ("voip", "mobile") else None,
        notification_type=record.notification_type,
        status=record.status,
        panel_name=record.panel_name,
        created_at=record.created_at,
    )


def door_release_view(record: DoorRelease) -> DoorReleaseView:
    return DoorReleaseView(
        key=f"butterflymx:{record.id}",
        release_method=record.release_method,
        release_type=record.door_release_type,
        name=record.name,
        call_guid=record.call_guid,
        created_at=record.created_at,
    )


KEYCHAIN_KINDS = ("custom", "recurring", "one_time")


def keychain_view(record: Keychain) -> KeychainView:
    return KeychainView(
        key=f"butterflymx:{record.id}",
        name=record.name,
        kind=record.kind if record.kind in KEYCHAIN_KINDS else None,
        starts_at=record.starts_at,
        ends_at=record.ends_at,
        weekdays=record.weekdays,
        time_from=record.time_from,
        time_to=record.time_to,
        virtual_keys=tuple(
            VirtualKeyView(
                name=k.name,
                email=k.email,
                sms_number=k.sms_number,
                qr_code_image_url=k.qr_code_image_url,
                used_at=k.used_at or k.one_time_key_used_at,
            )
            for k in record.virtual_keys
        ),
    )


def access_guest_view(record: AccessPerson) -> AccessGuestView:
    return AccessGuestView(
        key=f"remotelock:{record.id}",
        name=record.name,
        email=record.email,
        status=record.status,
        pin=record.pin,
        starts_at=record.starts_at,
        ends_at=record.ends_at,
    )


def filter_calls(
    calls: list[Call], call_type: str | None, since: datetime | None, until: datetime | None
) -> list[CallView]:
    return [
        call_view(c)
        for c in calls
        if (call_type is None or c.call_type == call_type)
        and (since is None or c.created_at >= since)
        and (until is None or c.created_at < until)
    ]


async def unit_calls(
    ctx: RequestContext,
    unit_id: str,
    call_type: str | None,
    since: datetime | None,
    until: datetime | None,
) -> list[CallView]:
    calls = await ctx.activity.calls_of_units(unit_id, [unit_id])
    return filter_calls(calls, call_type, since, until)


async def building_calls(
    ctx: RequestContext,
    building_id: str,
    call_type: str | None,
    since: datetime | None,
    until: datetime | None,
) -> list[CallView]:
    units = await ctx.access.units_by_building.load(building_id)
    calls = await ctx.activity.calls_of_units(f"building:{building_id}", [u.id for u in units])
    return filter_calls(calls, call_type, since, until)


async def unit_door_releases(
    ctx: RequestContext, unit_id: str, since: datetime | None
) -> list[DoorReleaseView]:
    records = await ctx.activity.door_releases_by_unit.load(unit_id)
    return [door_release_view(r) for r in records if since is None or r.created_at >= since]


async def building_door_releases(
    ctx: RequestContext, building_id: str, since: datetime | None
) -> list[DoorReleaseView]:
    units = await ctx.access.units_by_building.load(building_id)
    groups = await ctx.activity.door_releases_by_unit.load_many([u.id for u in units])
    records = sorted((r for g in groups for r in g), key=lambda r: r.created_at, reverse=True)
    return [door_release_view(r) for r in records if since is None or r.created_at >= since]


async def unit_keychains(ctx: RequestContext, unit_id: str) -> list[KeychainView]:
    return [keychain_view(k) for k in await ctx.activity.keychains_of_unit(unit_id)]


async def lock_guests(ctx: RequestContext, vendor: str, device_id: str) -> list[AccessGuestView]:
    """RemoteLock guests whose PIN opens this lock (other vendors' doors have none)."""
    if vendor != "remotelock":
        return []
    return [access_guest_view(g) for g in await ctx.activity.guests_of_lock(device_id)]


async def access_guests(ctx: RequestContext, status: str | None) -> list[AccessGuestView]:
    guests = await ctx.activity.all_guests()
    return [access_guest_view(g) for g in guests if status is None or g.status == status]


async def access_guests_by_id(
    ctx: RequestContext, node_ids: list[str]
) -> list[AccessGuestView | None]:
    records = await ctx.activity.access_guest.load_many(vendor_ids(node_ids))
    return [access_guest_view(r) if r is not None else None for r in records]


async def calls_by_id(ctx: RequestContext, node_ids: list[str]) -> list[CallView | None]:
    async def get(guid: str) -> Call | None:
        status = await ctx.services.butterflymx.calls.get_status(guid)
        return status.call

    return await _one_by_one(node_ids, get, call_view)


async def door_releases_by_id(
    ctx: RequestContext, node_ids: list[str]
) -> list[DoorReleaseView | None]:
    return await _one_by_one(
        node_ids, ctx.services.butterflymx.door_releases.get, door_release_view
    )


async def keychains_by_id(ctx: RequestContext, node_ids: list[str]) -> list[KeychainView | None]:
    return await _one_by_one(node_ids, ctx.services.butterflymx.keychains.get, keychain_view)


async def _one_by_one(
    node_ids: list[str],
    get: Callable[[str], Awaitable[R | None]],
    view: Callable[[R], V],
) -> list[V | None]:
    """Objects the vendor only reads one at a time; an unknown ID is None, not an error."""
    found: list[V | None] = []
    for node_id in node_ids:
        try:
            record = await get(vendor_id(node_id))
        except VendorNotFoundError:
            found.append(None)
            continue
        found.append(view(record) if record is not None else None)
    return found
