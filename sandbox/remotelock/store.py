"""The simulated account's records: every resource is a type, an id and its attributes."""

from __future__ import annotations

import random
import uuid
from dataclasses import dataclass, field
from typing import Any

from concierge.sandbox.clock import Clock, iso_z


@dataclass
class Record:
    """One stored resource. `attributes` hold JSON-ready values in the reference's key order."""

    type: str
    id: str
    attributes: dict[str, Any]


class Ids:
    """UUIDs drawn from the simulator's seeded RNG, so the same seed gives the same ids."""

    def __init__(self, rng: random.Random) -> None:
        self.rng = rng

    def uuid(self) -> str:
        return str(uuid.UUID(int=self.rng.getrandbits(128), version=4))

    def hex(self, length: int) -> str:
        return "".join(self.rng.choice("0123456789abcdef") for _ in range(length))

    def digits(self, length: int) -> str:
        first = self.rng.choice("123456789")
        return first + "".join(self.rng.choice("0123456789") for _ in range(length - 1))


@dataclass
class Store:
    """All collections of the one demo account, each in insertion (= creation) order."""

    account: Record
    user: Record
    locations: dict[str, Record] = field(default_factory=dict)
    models: dict[str, Record] = field(default_factory=dict)
    devices: dict[str, Record] = field(default_factory=dict)
    schedules: dict[str, Record] = field(default_factory=dict)
    access_persons: dict[str, Record] = field(default_factory=dict)
    accesses: dict[str, Record] = field(default_factory=dict)
    events: dict[str, Record] = field(default_factory=dict)
    subscribers: dict[str, Record] = field(default_factory=dict)
    subscriptions: dict[str, Record] = field(default_factory=dict)
    notifications: dict[str, Record] = field(default_factory=dict)
    emails_sent: list[dict[str, Any]] = field(default_factory=list)

    def add(self, collection: dict[str, Record], record: Record) -> Record:
        collection[record.id] = record
        return record

    def counts(self) -> dict[str, int]:
        return {
            "locations": len(self.locations),
            "devices": len(self.devices),
            "schedules": len(self.schedules),
            "access_persons": len(self.access_persons),
            "accesses": len(self.accesses),
            "events": len(self.events),
            "notification_subscribers": len(self.subscribers),
            "notification_subscriptions": len(self.subscriptions),
            "notifications": len(self.notifications),
        }


def touch(record: Record, clock: Clock) -> None:
    """Stamp `updated_at` after a change."""
    record.attributes["updated_at"] = iso_z(clock.now())


def ordered(attributes: dict[str, Any], order: tuple[str, ...]) -> dict[str, Any]:
    """The attributes in the reference's key order; unlisted keys follow in their own order."""
    head = {k: attributes[k] for k in order if k in attributes}
    tail = {k: v for k, v in attributes.items() if k not in head}
    return head | tail
