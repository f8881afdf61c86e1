"""RemoteLock events (from `/events` and webhooks alike): the records and `client.events`.

The reference asks that webhook handling and `/events` backfill share their logic, so
one parser serves both. Event types are typed where the product uses them (lock and
unlock, access denied, battery, connectivity, credential use and sync); any other type,
including ones the vendor adds later, parses as a plain `Event`. De-duplicate by `id`
and order by `occurred_at`: webhooks are at-least-once and retried an hour apart.
"""

from __future__ import annotations

from collections.abc import AsyncGenerator, AsyncIterator, Iterable, Mapping, Sequence
from contextlib import aclosing
from dataclasses import dataclass, field
from datetime import datetime
from types import MappingProxyType
from typing import Any

from concierge.connectors.remotelock.core import Query, Resource, query, segment
from concierge.connectors.remotelock.fields import resource

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


def _event_query(
    types: Sequence[str] | None,
    sort: str | Sequence[str] | None,
    publisher_ids: Sequence[str] | None,
    associated_resource_ids: Sequence[str] | None,
) -> Query:
    # Types go out in the resource form ("unlocked_event"); either form comes in.
    suffixed = [t if t.endswith(EVENT_SUFFIX) else f"{t}{EVENT_SUFFIX}" for t in types or ()]
    return query(
        types=suffixed,
        sort=sort,
        filters={"publisher_id": publisher_ids, "associated_resource_id": associated_resource_ids},
    )


class Events(Resource):
    def iter(
        self,
        *,
        types: Sequence[str] | None = None,
        sort: str | Sequence[str] | None = None,
        publisher_ids: Sequence[str] | None = None,
        associated_resource_ids: Sequence[str] | None = None,
    ) -> AsyncGenerator[Event, None]:
        """Events page by page (default order: newest `occurred_at` first)."""
        params = _event_query(types, sort, publisher_ids, associated_resource_ids)
        return self._core.walk("/events", parse_event, "events", params)

    async def list(
        self,
        *,
        types: Sequence[str] | None = None,
        sort: str | Sequence[str] | None = None,
        publisher_ids: Sequence[str] | None = None,
        associated_resource_ids: Sequence[str] | None = None,
        ids: Iterable[str] | None = None,
    ) -> list[Event]:
        """Every matching event (filters are the sandbox's reading of a silent reference:
        publisher and associated resource)."""
        params = _event_query(types, sort, publisher_ids, associated_resource_ids)
        return await self._core.all("/events", parse_event, "events", params, ids=ids)

    async def get(self, event_id: str) -> Event:
        return await self._core.one("GET", f"/events/{segment(event_id)}", parse_event, "event")

    async def iter_since(
        self,
        *,
        event_id: str | None = None,
        created_at: datetime | None = None,
        types: Sequence[str] | None = None,
    ) -> AsyncIterator[Event]:
        """Events stored after a checkpoint, oldest first: the webhook backfill.

        Walks `sort=-created_at` (newest first, as the reference recommends) until it meets
        `event_id` (the last event received) or an event created before `created_at`, then
        yields what it found in `created_at` order, so a consumer can checkpoint as it goes.
        `created_at` is inclusive because timestamps have whole seconds: de-duplicate by id.
        The vendor pages through 10,000 events at most.
        """
        if event_id is None and created_at is None:
            raise ValueError("iter_events_since needs an event_id or a created_at checkpoint")
        newer: list[Event] = []
        # Closed at once when we stop early, rather than left for the garbage collector.
        async with aclosing(self.iter(types=types, sort="-created_at")) as events:
            async for event in events:
                if event.id == event_id:
                    break
                stored = event.created_at or event.occurred_at
                if created_at is not None and stored < created_at:
                    break
                newer.append(event)
        # Stable sort: events of the same second keep the order the vendor listed them in
        # (creation order, in the sandbox's reading of the silent reference).
        newer.sort(key=lambda e: e.created_at or e.occurred_at)
        for event in newer:
            yield event
