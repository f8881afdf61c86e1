"""Webhook event IDs seen once, and the audit log."""

from __future__ import annotations

import asyncio

from concierge.resolvers.store.sql import SqlStore


async def test_an_event_is_new_exactly_once_under_twenty_concurrent_deliveries(
    store: SqlStore,
) -> None:
    firsts = await asyncio.gather(
        *(store.webhook_events.first_time("remotelock", "evt-1") for _ in range(20))
    )

    assert firsts.count(True) == 1
    assert await store.webhook_events.first_time("butterflymx", "evt-1")  # per vendor


async def test_the_audit_log_lists_newest_first_and_by_target(store: SqlStore) -> None:
    await store.audit.append("user-1", "unlockDoor", "door-1", "ACCEPTED", "release-1")
    await store.audit.append("user-2", "issueKey", "key-1", "ACTIVE", detail={"unit": "u-1"})
    await store.audit.append("user-1", "lockDoor", "door-1", "FAILED")

    recent = await store.audit.recent(limit=2)
    on_door = await store.audit.recent(target="door-1")

    assert [e.action for e in recent] == ["lockDoor", "issueKey"]
    assert recent[1].detail == {"unit": "u-1"}
    assert [(e.action, e.vendor_reference) for e in on_door] == [
        ("lockDoor", None),
        ("unlockDoor", "release-1"),
    ]
    assert all(e.at.tzinfo is not None for e in on_door)
