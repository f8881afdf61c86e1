"""Intercom activity and visitor keys as read objects: calls, door releases, keychains, guests."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from enum import Enum

import strawberry
from strawberry import relay

from connectors.butterflymx.calls import Call as BmxCall
from connectors.butterflymx.events import DoorRelease as BmxDoorRelease
from connectors.butterflymx.keys import Keychain as BmxKeychain
from connectors.butterflymx.keys import VirtualKey as BmxVirtualKey
from connectors.errors import VendorNotFoundError
from connectors.remotelock.people import AccessPerson
from schema.context import Info, vendor_id


@strawberry.enum(description="How an intercom call reaches the resident.")
class CallType(Enum):
    VOIP = "voip"
    MOBILE = "mobile"


@strawberry.type(description="An intercom call from a ButterflyMX panel to a unit.")
class Call(relay.Node):
    key: relay.NodeID[str]
    record: strawberry.Private[BmxCall]

    @strawberry.field
    def guid(self) -> str:
        return self.record.guid

    @strawberry.field
    def call_type(self) -> CallType | None:
        return (
            CallType(self.record.call_type) if self.record.call_type in ("voip", "mobile") else None
        )

    @strawberry.field(description="visitor or delivery.")
    def notification_type(self) -> str | None:
        return self.record.notification_type

    @strawberry.field(description="The vendor's latest status, e.g. initializing, voip_connected.")
    def status(self) -> str | None:
        return self.record.status

    @strawberry.field
    def panel_name(self) -> str | None:
        return self.record.panel_name

    @strawberry.field
    def created_at(self) -> datetime:
        return self.record.created_at

    @classmethod
    def of(cls, record: BmxCall) -> Call:
        return cls(key=f"butterflymx:{record.guid}", record=record)

    @classmethod
    async def resolve_nodes(
        cls, *, info: Info, node_ids: Iterable[str], required: bool = False
    ) -> list[Call | None]:
        found: list[Call | None] = []
        for node_id in node_ids:
            try:
                status = await info.context.services.butterflymx.calls.get_status(
                    vendor_id(node_id)
                )
            except VendorNotFoundError:
                found.append(None)
                continue
            found.append(cls.of(status.call) if status.call is not None else None)
        return found


@strawberry.type(description="A door opening recorded by ButterflyMX.")
class DoorRelease(relay.Node):
    key: relay.NodeID[str]
    record: strawberry.Private[BmxDoorRelease]

    @strawberry.field(description="mobile, panel, qr_key, nfc, voip, ...")
    def release_method(self) -> str:
        return self.record.release_method

    @strawberry.field(description="visitor or delivery.")
    def release_type(self) -> str | None:
        return self.record.door_release_type

    @strawberry.field(description="Who was let in, as the vendor recorded it.")
    def name(self) -> str | None:
        return self.record.name

    @strawberry.field
    def call_guid(self) -> str | None:
        return self.record.call_guid

    @strawberry.field
    def created_at(self) -> datetime:
        return self.record.created_at

    @classmethod
    def of(cls, record: BmxDoorRelease) -> DoorRelease:
        return cls(key=f"butterflymx:{record.id}", record=record)

    @classmethod
    async def resolve_nodes(
        cls, *, info: Info, node_ids: Iterable[str], required: bool = False
    ) -> list[DoorRelease | None]:
        found: list[DoorRelease | None] = []
        for node_id in node_ids:
            try:
                record = await info.context.services.butterflymx.door_releases.get(
                    vendor_id(node_id)
                )
            except VendorNotFoundError:
                found.append(None)
                continue
            found.append(cls.of(record))
        return found


@strawberry.type(description="One QR key of a keychain, sent to one recipient.")
class VirtualKey:
    name: str
    email: str | None
    sms_number: str | None
    qr_code_image_url: str | None
    used_at: datetime | None

    @classmethod
    def of(cls, key: BmxVirtualKey) -> VirtualKey:
        return cls(
            name=key.name,
            email=key.email,
            sms_number=key.sms_number,
            qr_code_image_url=key.qr_code_image_url,
            used_at=key.used_at or key.one_time_key_used_at,
        )


@strawberry.enum(description="When a keychain's keys work.")
class KeychainKind(Enum):
    CUSTOM = "custom"
    RECURRING = "recurring"
    ONE_TIME = "one_time"


@strawberry.type(description="ButterflyMX visitor keys (QR codes) valid for a period.")
class Keychain(relay.Node):
    key: relay.NodeID[str]
    record: strawberry.Private[BmxKeychain]

    @strawberry.field
    def name(self) -> str:
        return self.record.name

    @strawberry.field
    def kind(self) -> KeychainKind | None:
        try:
            return KeychainKind(self.record.kind)
        except ValueError:
            return None

    @strawberry.field
    def starts_at(self) -> datetime | None:
        return self.record.starts_at

    @strawberry.field
    def ends_at(self) -> datetime | None:
        return self.record.ends_at

    @strawberry.field(description="Recurring keychains: mon..sun.")
    def weekdays(self) -> list[str] | None:
        return list(self.record.weekdays) if self.record.weekdays is not None else None

    @strawberry.field(description="Recurring keychains: daily start, hh:mm.")
    def time_from(self) -> str | None:
        return self.record.time_from

    @strawberry.field(description="Recurring keychains: daily end, hh:mm.")
    def time_to(self) -> str | None:
        return self.record.time_to

    @strawberry.field
    def virtual_keys(self) -> list[VirtualKey]:
        return [VirtualKey.of(k) for k in self.record.virtual_keys]

    @classmethod
    def of(cls, record: BmxKeychain) -> Keychain:
        return cls(key=f"butterflymx:{record.id}", record=record)

    @classmethod
    async def resolve_nodes(
        cls, *, info: Info, node_ids: Iterable[str], required: bool = False
    ) -> list[Keychain | None]:
        found: list[Keychain | None] = []
        for node_id in node_ids:
            try:
                record = await info.context.services.butterflymx.keychains.get(vendor_id(node_id))
            except VendorNotFoundError:
                found.append(None)
                continue
            found.append(cls.of(record))
        return found


@strawberry.type(description="A RemoteLock guest: a PIN valid at some locks for a period.")
class AccessGuest(relay.Node):
    key: relay.NodeID[str]
    record: strawberry.Private[AccessPerson]

    @strawberry.field
    def name(self) -> str:
        return self.record.name

    @strawberry.field
    def email(self) -> str | None:
        return self.record.email

    @strawberry.field(description="current, upcoming, expired or deactivated.")
    def status(self) -> str:
        return self.record.status

    @strawberry.field(description="The guest's PIN, to share with them.")
    def pin(self) -> str | None:
        return self.record.pin

    @strawberry.field(description="Wall-clock time at the location (RemoteLock keeps no zone).")
    def starts_at(self) -> datetime | None:
        return self.record.starts_at

    @strawberry.field(description="Wall-clock time at the location (RemoteLock keeps no zone).")
    def ends_at(self) -> datetime | None:
        return self.record.ends_at

    @classmethod
    def of(cls, record: AccessPerson) -> AccessGuest:
        return cls(key=f"remotelock:{record.id}", record=record)

    @classmethod
    async def resolve_nodes(
        cls, *, info: Info, node_ids: Iterable[str], required: bool = False
    ) -> list[AccessGuest | None]:
        records = await info.context.activity.access_guest.load_many(
            [vendor_id(n) for n in node_ids]
        )
        return [cls.of(r) if r is not None else None for r in records]


def filter_calls(
    calls: list[BmxCall],
    call_type: CallType | None,
    since: datetime | None,
    until: datetime | None,
) -> list[Call]:
    return [
        Call.of(c)
        for c in calls
        if (call_type is None or c.call_type == call_type.value)
        and (since is None or c.created_at >= since)
        and (until is None or c.created_at < until)
    ]
