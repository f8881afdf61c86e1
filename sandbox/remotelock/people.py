"""The demo account's people (residents, former residents, guests) and its subscribers."""

from __future__ import annotations

from typing import Any

from concierge.sandbox.clock import Clock
from concierge.sandbox.dataset import FIRST_NAMES, LAST_NAMES, World
from concierge.sandbox.remotelock.pins import generate_pin, pin_taken
from concierge.sandbox.remotelock.seed import naive, stamp
from concierge.sandbox.remotelock.store import Ids, Record, Store


def person_record(
    kind: str,
    ident: str,
    name: str,
    *,
    email: str | None,
    pin: str | None,
    created: float,
    status: str,
    window: tuple[float, float] | None = None,
    phone: str | None = None,
) -> Record:
    attributes: dict[str, Any] = {
        "name": name,
        "email": email,
        "phone": phone,
        "pin": pin,
        "card_number": None,
        "department": None,
        "status": status,
        "rental_source": None,
        "created_at": stamp(created),
        "updated_at": stamp(created),
    }
    if window is not None:
        attributes["starts_at"], attributes["ends_at"] = naive(window[0]), naive(window[1])
    return Record(kind, ident, attributes)


def access_record(
    ident: str,
    person: Record,
    accessible: tuple[str, str],
    *,
    devices: int,
    created: float,
    schedule_id: str | None = None,
    synced: bool = True,
) -> Record:
    attributes: dict[str, Any] = {
        "guest_start_time": None,
        "guest_end_time": None,
        "devices_count": devices,
        "devices_synced_count": devices if synced else 0,
        "devices_pending_sync_count": 0 if synced else devices,
        "devices_failed_sync_count": 0,
        "accessible_type": accessible[0],
        "created_at": stamp(created),
        "updated_at": stamp(created),
    }
    if schedule_id is not None:
        attributes["access_schedule_id"] = schedule_id
    attributes |= {
        "access_person_id": person.id,
        "access_person_type": person.type,
        "accessible_id": accessible[1],
    }
    return Record("access_person_access", ident, attributes)


def seed_people(world: World, store: Store, ids: Ids, clock: Clock) -> None:
    """Residents (users with access to their unit door), former residents, and guests."""
    rng, now = ids.rng, clock.time()
    door_of_unit = {
        lock.unit: lock.vendor_id for lock in world.locks if lock.vendor == "remotelock"
    }
    for tenancy in world.tenancies:
        door = door_of_unit.get(tenancy.unit)
        if door is None:
            continue
        pin = tenancy.pin if tenancy.pin and not pin_taken(store, tenancy.pin) else None
        person = store.add(
            store.access_persons,
            person_record(
                "access_user",
                ids.uuid(),
                tenancy.person.name,
                email=tenancy.person.email,
                pin=pin or generate_pin(store, ids),
                created=tenancy.active_at,
                status="current",
                phone=tenancy.person.phone_number,
            ),
        )
        store.add(
            store.accesses,
            access_record(ids.uuid(), person, ("lock", door), devices=1, created=tenancy.active_at),
        )
    doors = list(door_of_unit.values())
    if not doors:
        return
    for n in range(6):
        name = f"{rng.choice(FIRST_NAMES)} {rng.choice(LAST_NAMES)}"
        store.add(
            store.access_persons,
            person_record(
                "access_user",
                ids.uuid(),
                name,
                email=None,
                pin=generate_pin(store, ids),
                created=now - (200 - n) * 86_400,
                status="deactivated",
            ),
        )
    weekend = next(s for s in store.schedules.values() if s.attributes["name"].startswith("Week"))
    for n in range(24):
        # Eight each of expired, current and upcoming stays, two to five nights long.
        offset_days = (-20 + n % 8 * 2, -1, 2 + n % 8 * 3)[n // 8]
        start = (now // 3600) * 3600 + offset_days * 86_400
        window = (start, start + rng.randint(2, 5) * 86_400)
        first, last = rng.choice(FIRST_NAMES), rng.choice(LAST_NAMES)
        guest = store.add(
            store.access_persons,
            person_record(
                "access_guest",
                ids.uuid(),
                f"{first} {last}",
                email=f"{first}.{last}{n}@guests.example.com".lower(),
                pin=generate_pin(store, ids),
                created=window[0] - 7 * 86_400,
                status="current",
                window=window,
            ),
        )
        if n % 12 == 11:  # a cleaning crew with weekend access to a whole building
            location = world.buildings[n // 12 % len(world.buildings)].rl_location_id
            count = sum(
                1 for d in store.devices.values() if d.attributes["location_id"] == location
            )
            store.add(
                store.accesses,
                access_record(
                    ids.uuid(),
                    guest,
                    ("location", location),
                    devices=count,
                    created=window[0] - 7 * 86_400,
                    schedule_id=weekend.id,
                ),
            )
        else:
            store.add(
                store.accesses,
                access_record(
                    ids.uuid(),
                    guest,
                    ("lock", rng.choice(doors)),
                    devices=1,
                    created=window[0] - 7 * 86_400,
                ),
            )


def seed_subscribers(store: Store, ids: Ids, created: float) -> None:
    """A front-desk email and an on-call text subscriber, subscribed to the whole account."""
    plans: list[tuple[str, dict[str, Any], list[str]]] = [
        (
            "email_notification_subscriber",
            {"name": "Front desk", "email": "frontdesk@concierge.example.com"},
            ["access_denied", "power_level_low"],
        ),
        (
            "text_notification_subscriber",
            {"name": "On-call maintenance", "phone": "+16175550199", "carrier": "att"},
            ["connectivity", "power_level_low"],
        ),
    ]
    for kind, fields, events in plans:
        subscriber = store.add(
            store.subscribers,
            Record(
                kind,
                ids.uuid(),
                {
                    **fields,
                    "active": True,
                    "created_at": stamp(created),
                    "updated_at": stamp(created),
                },
            ),
        )
        store.add(
            store.subscriptions,
            Record(
                "notification_subscription",
                ids.uuid(),
                {
                    "events": [{"event_type": e} for e in events],
                    "created_at": stamp(created),
                    "updated_at": stamp(created),
                    "subscriber_id": subscriber.id,
                    "subscriber_type": subscriber.type,
                    "publisher_id": store.account.id,
                    "publisher_type": "account",
                },
            ),
        )
