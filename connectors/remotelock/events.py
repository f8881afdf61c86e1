"""RemoteLock events (from `/events` and webhooks alike) and notification settings.

The reference asks that webhook handling and `/events` backfill share their logic, so
one parser serves both. Event types are typed where the product uses them (lock and
unlock, access denied, battery, connectivity, credential use and sync); any other type,
including ones the vendor adds later, parses as a plain `Event`. De-duplicate by `id`
and order by `occurred_at`: webhooks are at-least-once and retried an hour apart.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from types import MappingProxyType
from typing import Any

from connectors.remotelock.fields import Fields, resource

EVENT_SUFFIX = "_event"


@dataclass(frozen=True, kw_only=True)
class Event:
    id: str
    type: str  # the resource type, with the suffix: "unlocked_event"
    occurred_at: datetime  # device time, UTC
    created_at: datetime | None  # when the vendor stored it (devices upload late)
    publisher_type: str
    publisher_id: str
    source: str | None = None  # user | network | device
    status: str | None = None  # succeeded | failed
    time_zone: str | None = None
    associated_resource_type: str | None = None
    associated_resource_id: str | None = None
    associated_resource_name: str | None = None  # set only once the resource was deleted
    # Every attribute as sent, for fields this module does not model (may hold a PIN).
    attributes: Mapping[str, Any] = field(
        default_factory=lambda: MappingProxyType({}), repr=False, compare=False, hash=False
    )

    @property
    def event_type(self) -> str:
        """The subscription form of the type, without the suffix: "unlocked"."""
        return self.type.removesuffix(EVENT_SUFFIX)


@dataclass(frozen=True, kw_only=True)
class CredentialEvent(Event):
    """Lock activity that may name a credential: unlocked, locked, access denied, used."""

    method: str | None = None  # pin | remote | manual | auto_lock | ...
    status_info: str | None = None
    pin: str | None = field(default=None, repr=False)
    card: str | None = field(default=None, repr=False)
    smart_card_serial_number: str | None = field(default=None, repr=False)


@dataclass(frozen=True, kw_only=True)
class UnlockedEvent(CredentialEvent):
    pass


@dataclass(frozen=True, kw_only=True)
class LockedEvent(CredentialEvent):
    pass


@dataclass(frozen=True, kw_only=True)
class AccessDeniedEvent(CredentialEvent):
    pass


@dataclass(frozen=True, kw_only=True)
class AccessPersonUsedEvent(CredentialEvent):
    """Published by the person; the associated resource is the lock."""


@dataclass(frozen=True, kw_only=True)
class PowerLevelLowEvent(Event):
    power_level: int | None = None


@dataclass(frozen=True, kw_only=True)
class ConnectivityEvent(Event):
    connected_at: datetime | None = None


@dataclass(frozen=True, kw_only=True)
class SyncEvent(Event):
    """A credential reached a lock (or did not); the associated resource is the person."""

    status_info: str | None = None


@dataclass(frozen=True, kw_only=True)
class AccessPersonSyncedEvent(SyncEvent):
    pass


@dataclass(frozen=True, kw_only=True)
class AccessPersonSyncFailedEvent(SyncEvent):
    pass


@dataclass(frozen=True, kw_only=True)
class AccessGuestLateSyncEvent(SyncEvent):
    pass


_CREDENTIAL_TYPES: dict[str, type[CredentialEvent]] = {
    "unlocked_event": UnlockedEvent,
    "locked_event": LockedEvent,
    "access_denied_event": AccessDeniedEvent,
    "access_person_used_event": AccessPersonUsedEvent,
}
_SYNC_TYPES: dict[str, type[SyncEvent]] = {
    "access_person_synced_event": AccessPersonSyncedEvent,
    "access_person_sync_failed_event": AccessPersonSyncFailedEvent,
    "access_guest_late_sync_event": AccessGuestLateSyncEvent,
}


def parse_event(data: object, where: str = "event", *, lenient: bool = False) -> Event:
    """Any `<kind>_event` resource as its typed record; unknown kinds as a plain `Event`."""
    kind, ident, a, _ = resource(data, where, lenient=lenient)
    common: dict[str, Any] = {
        "id": ident,
        "type": kind,
        "occurred_at": a.instant("occurred_at"),
        "created_at": a.opt_instant("created_at"),
        "publisher_type": a.text("publisher_type"),
        "publisher_id": a.text("publisher_id"),
        "source": a.opt_text("source"),
        "status": a.opt_text("status"),
        "time_zone": a.opt_text("time_zone"),
        "associated_resource_type": a.opt_text("associated_resource_type"),
        "associated_resource_id": a.opt_text("associated_resource_id"),
        "associated_resource_name": a.opt_text("associated_resource_name"),
        "attributes": MappingProxyType(dict(a.data)),
    }
    if kind in _CREDENTIAL_TYPES:
        return _CREDENTIAL_TYPES[kind](
            **common,
            method=a.opt_text("method"),
            status_info=a.opt_text("status_info"),
            pin=a.opt_text("pin"),
            card=a.opt_text("card"),
            smart_card_serial_number=a.opt_text("smart_card_serial_number"),
        )
    if kind in _SYNC_TYPES:
        return _SYNC_TYPES[kind](**common, status_info=a.opt_text("status_info"))
    if kind == "power_level_low_event":
        return PowerLevelLowEvent(**common, power_level=a.opt_integer("power_level"))
    if kind == "connectivity_event":
        return ConnectivityEvent(**common, connected_at=a.opt_instant("connected_at"))
    return Event(**common)


@dataclass(frozen=True)
class NotificationSubscriber:
    """Where notifications go: a webhook (url, content_type, secret), an email or a phone."""

    id: str
    type: str  # webhook_notification_subscriber | email_notification_subscriber | text_...
    name: str
    active: bool
    url: str | None
    content_type: str | None  # json | form
    email: str | None
    phone: str | None
    carrier: str | None
    created_at: datetime | None
    updated_at: datetime | None
    secret: str | None = field(default=None, repr=False)

    @classmethod
    def from_json(
        cls, data: object, where: str = "notification_subscriber"
    ) -> NotificationSubscriber:
        kind, ident, a, _ = resource(data, where)
        return cls(
            id=ident,
            type=kind,
            name=a.text("name"),
            active=a.boolean("active"),
            url=a.opt_text("url"),
            content_type=a.opt_text("content_type"),
            email=a.opt_text("email"),
            phone=a.opt_text("phone"),
            carrier=a.opt_text("carrier"),
            created_at=a.opt_instant("created_at"),
            updated_at=a.opt_instant("updated_at"),
            secret=a.opt_text("secret"),
        )


@dataclass(frozen=True)
class SubscribedEvent:
    event_type: str  # without the suffix: "unlocked"
    first_access: bool | None = None  # access_person_used only
    created_by_integration: bool | None = None


@dataclass(frozen=True)
class NotificationSubscription:
    """Which publisher's events (account, location, lock, person) go to which subscriber."""

    id: str
    publisher_type: str
    publisher_id: str
    subscriber_type: str
    subscriber_id: str
    events: tuple[SubscribedEvent, ...]
    created_at: datetime | None
    updated_at: datetime | None

    @property
    def event_types(self) -> tuple[str, ...]:
        return tuple(e.event_type for e in self.events)

    @classmethod
    def from_json(
        cls, data: object, where: str = "notification_subscription"
    ) -> NotificationSubscription:
        _, ident, a, _ = resource(data, where)
        return cls(
            id=ident,
            publisher_type=a.text("publisher_type"),
            publisher_id=a.text("publisher_id"),
            subscriber_type=a.text("subscriber_type"),
            subscriber_id=a.text("subscriber_id"),
            events=tuple(_subscribed(entry) for entry in a.objects("events")),
            created_at=a.opt_instant("created_at"),
            updated_at=a.opt_instant("updated_at"),
        )


def _subscribed(entry: Fields) -> SubscribedEvent:
    return SubscribedEvent(
        event_type=entry.text("event_type"),
        first_access=entry.opt_boolean("first_access"),
        created_by_integration=entry.opt_boolean("created_by_integration"),
    )
