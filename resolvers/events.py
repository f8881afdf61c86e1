"""The bus's vocabulary: topic names and the payloads published on them.

Publishers (webhook ingress, back-fill, pollers, unlock attempts) and subscription
resolvers meet only here. Payloads are flat, JSON-safe dicts (a Redis bus carries them
between replicas), built and read by the dataclasses below; node keys are the part of a
global ID after the type name (`resolvers.ids`), e.g. `remotelock.lock:<uuid>`.

A payload is a signal plus what a client needs to order and de-duplicate it; the
subscription resolves the object it names through fresh loaders, so nested fields are
current when the client reads them.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, fields
from typing import Any, TypeVar

from concierge.resolvers.bus import Event

# One vocabulary of door events across vendors (GraphQL enum `DoorEventKind`).
DOOR_EVENT_KINDS = (
    "RELEASED",  # ButterflyMX door release (panel, app, PIN, QR key, ...)
    "UNLOCKED",
    "LOCKED",
    "ACCESS_DENIED",
    "BATTERY_LOW",
    "ONLINE",
    "OFFLINE",
)


def door_topic(door_key: str) -> str:
    return f"door:{door_key}"


def building_doors_topic(building_key: str) -> str:
    return f"doors:{building_key}"


def call_topic(call_key: str) -> str:
    return f"call:{call_key}"


def building_calls_topic(building_key: str) -> str:
    return f"calls:{building_key}"


def occupancy_topic(kind: str, key: str) -> str:
    """`kind` is "room" or "space"; `key` the room's or space's node key."""
    return f"occupancy:{kind}:{key}"


def attempt_topic(attempt_key: str) -> str:
    return f"attempt:{attempt_key}"


@dataclass(frozen=True, slots=True)
class DoorEventData:
    id: str  # stable across deliveries and back-fill: "<vendor>:<vendor event id>"
    kind: str  # one of DOOR_EVENT_KINDS
    door_key: str
    building_key: str | None  # from the site map; None when the door is unmapped
    unit_key: str | None
    occurred_at: str  # ISO 8601, UTC
    vendor: str
    vendor_type: str  # the vendor's own event type, e.g. "unlocked_event", "door_release.create"
    method: str | None = None  # how: "pin", "app", "qr", "panel", "manual", ...
    actor: str | None = None  # who, as the vendor names them (a tenant, a guest, a key)
    status: str | None = None  # the vendor's outcome: "succeeded" | "failed" (RemoteLock)


@dataclass(frozen=True, slots=True)
class CallEventData:
    call_key: str  # "butterflymx:<call guid>"
    building_key: str | None
    unit_key: str | None
    status: str  # the vendor's status, e.g. "initializing", "connected", "rejected"
    occurred_at: str
    terminal: bool  # no further status will follow


@dataclass(frozen=True, slots=True)
class OccupancyData:
    kind: str  # room | space
    key: str
    count: int
    capacity: int | None
    as_of: str
    quality: str  # LIVE | STALE | PARTIAL (OccupancyQuality); STALE keeps the last good value


@dataclass(frozen=True, slots=True)
class AttemptData:
    attempt_key: str
    status: str  # PENDING | ACCEPTED | CONFIRMED | FAILED | TIMED_OUT | UNKNOWN
    at: str


Payload = DoorEventData | CallEventData | OccupancyData | AttemptData
P = TypeVar("P", DoorEventData, CallEventData, OccupancyData, AttemptData)


def event(topic: str, payload: Payload) -> Event:
    return Event(topic=topic, data=asdict(payload))


def payload(kind: type[P], ev: Event) -> P:
    """The payload of `ev`; fields a newer replica added are ignored."""
    names = {f.name for f in fields(kind)}
    data: dict[str, Any] = {k: v for k, v in ev.data.items() if k in names}
    return kind(**data)
