"""Two weeks of seeded lock activity, so `/events` and `/notifications` have pages to walk."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from concierge.sandbox.clock import Clock
from concierge.sandbox.remotelock.events import EventPublisher, build_event, credential_details
from concierge.sandbox.remotelock.store import Ids, Record, Store

HISTORY_S = 14 * 86_400
RESIDENT_UNLOCKS = 220
OTHER_UNLOCKS = 30
LOCKS = 90
DENIALS = 15
LOW_BATTERY = 20


def seed_history(store: Store, publisher: EventPublisher, ids: Ids, clock: Clock) -> None:
    """Publish the history in time order (no webhooks: nobody subscribed to a hook yet)."""
    rng, now = ids.rng, clock.time()
    doors = [d for d in store.devices.values() if d.type == "lock"]
    if not doors:
        return
    zones = {loc.id: str(loc.attributes["time_zone"]) for loc in store.locations.values()}
    residents = [
        (
            store.access_persons[a.attributes["access_person_id"]],
            store.devices[a.attributes["accessible_id"]],
        )
        for a in store.accesses.values()
        if a.attributes["accessible_type"] == "lock"
        and a.attributes["access_person_type"] == "access_user"
    ]
    planned: list[tuple[float, Callable[[float], list[Record]]]] = []

    def lock_event(
        kind: str,
        door: Record,
        method: str | None,
        person: Record | None = None,
        pin: str | None = None,
        status: str = "succeeded",
    ) -> Callable[[float], list[Record]]:
        event_id = ids.uuid()
        used_id = ids.uuid() if person is not None and rng.random() < 0.27 else None
        lag = rng.uniform(0, 30) if rng.random() > 0.05 else rng.uniform(3600, 12 * 3600)

        def build(at: float) -> list[Record]:
            zone = zones[door.attributes["location_id"]]
            details = credential_details(method=method, pin=pin)
            associated = (person.type, person.id) if person is not None else None
            events = [
                build_event(
                    kind,
                    event_id,
                    publisher=("lock", door.id),
                    time_zone=zone,
                    occurred_at=at,
                    created_at=at + lag,
                    details=details,
                    associated=associated,
                    status=status,
                )
            ]
            if used_id is not None and person is not None:
                events.append(
                    build_event(
                        "access_person_used",
                        used_id,
                        publisher=(person.type, person.id),
                        time_zone=zone,
                        occurred_at=at,
                        created_at=at + lag,
                        details=details,
                        associated=("lock", door.id),
                    )
                )
            return events

        return build

    def when() -> float:
        return now - rng.uniform(60, HISTORY_S)

    for _ in range(RESIDENT_UNLOCKS):
        person, door = rng.choice(residents) if residents else (None, rng.choice(doors))
        pin = None if person is None else str(person.attributes["pin"])
        planned.append((when(), lock_event("unlocked", door, "pin", person, pin)))
    for _ in range(OTHER_UNLOCKS):
        planned.append(
            (when(), lock_event("unlocked", rng.choice(doors), rng.choice(("manual", "remote"))))
        )
    for _ in range(LOCKS):
        planned.append(
            (
                when(),
                lock_event(
                    "locked", rng.choice(doors), rng.choice(("auto_lock", "manual", "remote"))
                ),
            )
        )
    for _ in range(DENIALS):
        planned.append(
            (
                when(),
                lock_event(
                    "access_denied", rng.choice(doors), "pin", pin=ids.digits(4), status="failed"
                ),
            )
        )

    def device_event(
        kind: str, door: Record, details: dict[str, Any]
    ) -> Callable[[float], list[Record]]:
        event_id, zone = ids.uuid(), zones[door.attributes["location_id"]]

        def build(at: float) -> list[Record]:
            return [
                build_event(
                    kind,
                    event_id,
                    publisher=("lock", door.id),
                    time_zone=zone,
                    occurred_at=at,
                    details=details,
                )
            ]

        return build

    for door in doors:
        attrs = door.attributes
        if attrs["power_level"] < LOW_BATTERY:
            build = device_event("power_level_low", door, {"power_level": attrs["power_level"]})
            planned.append((now - rng.uniform(3600, 2 * 86_400), build))
        if not attrs["connected"]:
            build = device_event("connectivity", door, {"connected_at": attrs["connected_at"]})
            planned.append((now - rng.uniform(60, 3600), build))
    planned.sort(key=lambda item: item[0])
    for at, build in planned:
        for event in build(at):
            publisher.publish(event, deliver=False)
