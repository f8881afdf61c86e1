"""Seeded history: weeks of past calls, door releases, messages and keychains.

Drawn from the vendor's RNG in a fixed order, so one seed gives the same history. Times
count back from an anchor (the sandbox start, floored to the hour), and ids grow with
time as a database sequence would. A share of everything lands on the demo resident's
unit so that their own lists paginate too.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass

from concierge.sandbox.butterflymx.activity import OUTCOMES
from concierge.sandbox.butterflymx.records import (
    NO_PIC,
    CallRecord,
    DoorReleaseRecord,
    KeychainRecord,
    MessageRecord,
    UnitRecord,
    VirtualKeyRecord,
)
from concierge.sandbox.butterflymx.store import Store
from concierge.sandbox.dataset import FIRST_NAMES, LAST_NAMES


@dataclass(frozen=True)
class HistorySize:
    days: int = 28
    calls: int = 360
    door_releases: int = 420
    messages: int = 150
    keychains: int = 36
    demo_share: float = 0.12  # of each kind, on the demo resident's unit


COURIERS = ("UPS", "FedEx", "USPS", "Amazon Logistics", "DHL", "DoorDash", "Instacart")
TEXTS = (
    "Package left with the doorman",
    "Your guest is waiting in the lobby",
    "Delivery attempted, please call back",
    "Dry cleaning is at the front desk",
    "Food delivery at the main entrance",
)
KEY_NAMES = (
    "Dog walker",
    "Cleaner",
    "Weekend guest",
    "Plumber visit",
    "Babysitter",
    "Family visit",
    "Moving help",
    "Package pickup",
)
ANSWER_WEIGHTS = {"voip": (6, 2, 2), "mobile": (3, 4, 1, 1, 1)}


def seed_history(
    store: Store,
    rng: random.Random,
    anchor: float,
    demo_unit_id: int,
    size: HistorySize | None = None,
) -> None:
    size = size or HistorySize()
    callable_units = [
        u
        for u in store.units.values()
        if any(p.building_id == u.building_id for p in store.panels.values())
    ]
    units = list(store.units.values())
    demo = store.units.get(demo_unit_id)

    def pick(pool: list[UnitRecord]) -> UnitRecord:
        if demo is not None and demo in pool and rng.random() < size.demo_share:
            return demo
        return rng.choice(pool)

    def moment() -> float:
        return anchor - rng.uniform(0, size.days * 86_400)

    def person() -> str:
        return f"{rng.choice(FIRST_NAMES)} {rng.choice(LAST_NAMES)}"

    calls = []
    for _ in range(size.calls if callable_units else 0):
        unit = pick(callable_units)
        panel = rng.choice([p for p in store.panels.values() if p.building_id == unit.building_id])
        call_type = "voip" if rng.random() < 0.6 else "mobile"
        status = rng.choices(OUTCOMES[call_type], ANSWER_WEIGHTS[call_type])[0]
        at = moment()
        calls.append(
            CallRecord(
                id=0,
                guid=store.uuid(),
                call_type=call_type,
                notification_type="delivery" if rng.random() < 0.3 else "visitor",
                panel_id=panel.id,
                unit_id=unit.id,
                building_id=unit.building_id,
                created_at=at,
                status=status,
                status_changed_at=at + rng.uniform(3, 40),
                multiple_devices=len(store.tenants_of_unit(unit.id)) > 1,
            )
        )
    for call in sorted(calls, key=lambda c: c.created_at):
        call.id = store.next_id("call")
        store.calls[call.id] = call

    answered = [c for c in calls if c.status in ("voip_connected", "connecting_sip")]
    releases = []
    for n in range(size.door_releases if units else 0):
        tenants: list[int] = []
        if answered and n % 2 == 0:  # half the releases open the door for a call
            call = rng.choice(answered)
            unit = store.units[call.unit_id]
            method = "voip" if call.call_type == "voip" else "mobile"
            at, guid, kind = (
                call.status_changed_at + rng.uniform(2, 20),
                call.guid,
                call.notification_type,
            )
        else:
            unit = pick(units)
            method = rng.choice(("qr_key", "panel", "nfc", "bluetooth", "rfid", "qr_key"))
            at, guid = moment(), None
            kind = "delivery" if rng.random() < 0.25 else "visitor"
        tenants = [t.user_id for t in store.tenants_of_unit(unit.id)]
        name = rng.choice(COURIERS) if kind == "delivery" else person()
        releases.append(
            DoorReleaseRecord(
                id=0,
                release_method=method,
                door_release_type=kind,
                panel_user_type="doorman"
                if method == "panel" and rng.random() < 0.5
                else "default",
                call_guid=guid,
                name=name,
                unit_id=unit.id,
                building_id=unit.building_id,
                user_id=rng.choice(tenants) if tenants and method != "panel" else None,
                created_at=min(at, anchor),
                thumb_url=NO_PIC,
                medium_url=NO_PIC,
            )
        )
    for release in sorted(releases, key=lambda r: r.created_at):
        release.id = store.next_id("door_release")
        store.door_releases[release.id] = release

    messages = []
    for _ in range(size.messages if units else 0):
        unit = pick(units)
        voice = rng.random() < 0.5
        messages.append(
            MessageRecord(
                id=0,
                message_type="voice" if voice else "text",
                message=None if voice else rng.choice(TEXTS),
                voice_url=store.voice_url() if voice else None,
                unit_id=unit.id,
                created_at=moment(),
            )
        )
    for message in sorted(messages, key=lambda m: m.created_at):
        message.id = store.next_id("message")
        store.messages[message.id] = message

    _seed_keychains(store, rng, anchor, size, pick, units)


def _seed_keychains(
    store: Store,
    rng: random.Random,
    anchor: float,
    size: HistorySize,
    pick: Callable[[list[UnitRecord]], UnitRecord],
    units: list[UnitRecord],
) -> None:
    for _ in range(size.keychains if units else 0):
        unit = pick(units)
        created = anchor - rng.uniform(0, size.days * 86_400)
        tenancy = next(iter(store.tenants_of_unit(unit.id)), None)
        kind = rng.choice(("custom", "custom", "recurring", "one_time"))
        starts = created + 3600 * rng.randrange(1, 48)
        keychain = KeychainRecord(
            id=store.next_id("keychain"),
            name=rng.choice(KEY_NAMES),
            kind=kind,
            starts_at=starts,
            ends_at=starts + 86_400 * rng.randrange(1, 30),
            unit_id=unit.id,
            tenant_id=tenancy.id if tenancy is not None and rng.random() < 0.5 else None,
            created_at=created,
        )
        if kind == "recurring":
            keychain.weekdays = sorted(
                rng.sample(("mon", "tue", "wed", "thu", "fri"), 2),
                key=("mon", "tue", "wed", "thu", "fri").index,
            )
            keychain.time_from, keychain.time_to = "09:00", "17:30"
        store.keychains[keychain.id] = keychain
        for _ in range(rng.randrange(0, 3)):
            email = rng.random() < 0.6
            first = rng.choice(FIRST_NAMES).lower()
            key = VirtualKeyRecord(
                id=store.next_id("virtual_key"),
                keychain_id=keychain.id,
                name=keychain.name,
                qr_code_image_url=store.qr_code_url(created),
                email=f"{first}@guests.example.com" if email else None,
                sms_number=None if email else f"+1202555{rng.randrange(1000, 9999)}",
                created_at=created,
            )
            store.virtual_keys[key.id] = key
            keychain.virtual_key_ids.append(key.id)
