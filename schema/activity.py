"""Intercom activity and visitor keys as read objects: calls, door releases, keychains, guests."""

from __future__ import annotations

from datetime import datetime
from enum import Enum

import strawberry
from strawberry import relay

from concierge.resolvers.activity import (
    AccessGuestView,
    CallView,
    DoorReleaseView,
    KeychainView,
    VirtualKeyView,
)
from concierge.schema.graph import NodeType


@strawberry.enum(description="How an intercom call reaches the resident.")
class CallType(Enum):
    VOIP = "voip"
    MOBILE = "mobile"


@strawberry.type(description="An intercom call from a ButterflyMX panel to a unit.")
class Call(NodeType, relay.Node):
    key: relay.NodeID[str]
    view: strawberry.Private[CallView]

    @strawberry.field
    def guid(self) -> str:
        return self.view.guid

    @strawberry.field
    def call_type(self) -> CallType | None:
        return CallType(self.view.call_type) if self.view.call_type is not None else None

    @strawberry.field(description="visitor or delivery.")
    def notification_type(self) -> str | None:
        return self.view.notification_type

    @strawberry.field(description="The vendor's latest status, e.g. initializing, voip_connected.")
    def status(self) -> str | None:
        return self.view.status

    @strawberry.field
    def panel_name(self) -> str | None:
        return self.view.panel_name

    @strawberry.field
    def created_at(self) -> datetime:
        return self.view.created_at

    @classmethod
    def of(cls, view: CallView) -> Call:
        return cls(key=view.key, view=view)


@strawberry.type(description="A door opening recorded by ButterflyMX.")
class DoorRelease(NodeType, relay.Node):
    key: relay.NodeID[str]
    view: strawberry.Private[DoorReleaseView]

    @strawberry.field(description="mobile, panel, qr_key, nfc, voip, ...")
    def release_method(self) -> str:
        return self.view.release_method

    @strawberry.field(description="visitor or delivery.")
    def release_type(self) -> str | None:
        return self.view.release_type

    @strawberry.field(description="Who was let in, as the vendor recorded it.")
    def name(self) -> str | None:
        return self.view.name

    @strawberry.field
    def call_guid(self) -> str | None:
        return self.view.call_guid

    @strawberry.field
    def created_at(self) -> datetime:
        return self.view.created_at

    @classmethod
    def of(cls, view: DoorReleaseView) -> DoorRelease:
        return cls(key=view.key, view=view)


@strawberry.type(description="One QR key of a keychain, sent to one recipient.")
class VirtualKey:
    name: str
    email: str | None
    sms_number: str | None
    qr_code_image_url: str | None
    used_at: datetime | None

    @classmethod
    def of(cls, view: VirtualKeyView) -> VirtualKey:
        return cls(
            name=view.name,
            email=view.email,
            sms_number=view.sms_number,
            qr_code_image_url=view.qr_code_image_url,
            used_at=view.used_at,
        )


@strawberry.enum(description="When a keychain's keys work.")
class KeychainKind(Enum):
    CUSTOM = "custom"
    RECURRING = "recurring"
    ONE_TIME = "one_time"


@strawberry.type(description="ButterflyMX visitor keys (QR codes) valid for a period.")
class Keychain(NodeType, relay.Node):
    key: relay.NodeID[str]
    view: strawberry.Private[KeychainView]

    @strawberry.field
    def name(self) -> str:
        return self.view.name

    @strawberry.field
    def kind(self) -> KeychainKind | None:
        return KeychainKind(self.view.kind) if self.view.kind is not None else None

    @strawberry.field
    def starts_at(self) -> datetime | None:
        return self.view.starts_at

    @strawberry.field
    def ends_at(self) -> datetime | None:
        return self.view.ends_at

    @strawberry.field(description="Recurring keychains: mon..sun.")
    def weekdays(self) -> list[str] | None:
        return list(self.view.weekdays) if self.view.weekdays is not None else None

    @strawberry.field(description="Recurring keychains: daily start, hh:mm.")
    def time_from(self) -> str | None:
        return self.view.time_from

    @strawberry.field(description="Recurring keychains: daily end, hh:mm.")
    def time_to(self) -> str | None:
        return self.view.time_to

    @strawberry.field
    def virtual_keys(self) -> list[VirtualKey]:
        # Part of the keychain itself: admitted with it, not one by one.
        return [VirtualKey.of(k) for k in self.view.virtual_keys]

    @classmethod
    def of(cls, view: KeychainView) -> Keychain:
        return cls(key=view.key, view=view)


@strawberry.type(description="A RemoteLock guest: a PIN valid at some locks for a period.")
class AccessGuest(NodeType, relay.Node):
    key: relay.NodeID[str]
    view: strawberry.Private[AccessGuestView]

    @strawberry.field
    def name(self) -> str:
        return self.view.name

    @strawberry.field
    def email(self) -> str | None:
        return self.view.email

    @strawberry.field(description="current, upcoming, expired or deactivated.")
    def status(self) -> str:
        return self.view.status

    @strawberry.field(description="The guest's PIN, to share with them.")
    def pin(self) -> str | None:
        return self.view.pin

    @strawberry.field(description="Wall-clock time at the location (RemoteLock keeps no zone).")
    def starts_at(self) -> datetime | None:
        return self.view.starts_at

    @strawberry.field(description="Wall-clock time at the location (RemoteLock keeps no zone).")
    def ends_at(self) -> datetime | None:
        return self.view.ends_at

    @classmethod
    def of(cls, view: AccessGuestView) -> AccessGuest:
        return cls(key=view.key, view=view)
