"""Unlock attempts: created before the vendor call, moved by compare-and-set."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime

import pytest

from concierge.resolvers.store.errors import MissingRecordError
from concierge.resolvers.store.sql import SqlStore
from tests.resolvers.store.conftest import OpenStore


async def test_an_attempt_is_created_pending_and_read_back(store: SqlStore) -> None:
    created = await store.attempts.create(
        door_key="remotelock:lock-1",
        action="unlock",
        principal="user-1",
        vendor="remotelock",
        tenant_id="tenant-1",
    )

    read = await store.attempts.get(created.id)

    assert read == created
    assert created.status == "PENDING"
    assert created.created_at.tzinfo is not None
    assert await store.attempts.get("no-such-attempt") is None


async def test_update_changes_fields_and_returns_the_attempt(store: SqlStore) -> None:
    created = await store.attempts.create(
        door_key="d", action="lock", principal="p", vendor="butterflymx"
    )
    at = datetime(2030, 1, 2, 3, 4, 5, tzinfo=UTC)

    updated = await store.attempts.update(
        created.id, status="ACCEPTED", vendor_reference="release-9", accepted_at=at
    )

    assert updated.status == "ACCEPTED"
    assert updated.vendor_reference == "release-9"
    assert updated.accepted_at == at
    assert await store.attempts.get(created.id) == updated
    with pytest.raises(MissingRecordError):
        await store.attempts.update("no-such-attempt", status="FAILED")


async def test_of_twenty_concurrent_confirmations_exactly_one_wins(open_store: OpenStore) -> None:
    replicas = [await open_store(), await open_store()]
    created = await replicas[0].attempts.create(
        door_key="d", action="unlock", principal="p", vendor="remotelock"
    )
    await replicas[0].attempts.update(created.id, status="ACCEPTED")

    wins = await asyncio.gather(
        *(
            replicas[i % 2].attempts.transition(
                created.id, ["ACCEPTED", "UNKNOWN"], "CONFIRMED", confirmed_at=datetime.now(UTC)
            )
            for i in range(20)
        )
    )

    assert wins.count(True) == 1
    confirmed = await replicas[1].attempts.get(created.id)
    assert confirmed is not None
    assert confirmed.status == "CONFIRMED"
    assert confirmed.terminal


async def test_a_transition_from_the_wrong_status_changes_nothing(store: SqlStore) -> None:
    created = await store.attempts.create(door_key="d", action="unlock", principal="p", vendor="v")

    moved = await store.attempts.transition(created.id, ["ACCEPTED"], "CONFIRMED")

    assert not moved
    assert await store.attempts.get(created.id) == created


async def test_pending_lists_unsettled_attempts_oldest_first(store: SqlStore) -> None:
    ids = []
    for status in ("PENDING", "ACCEPTED", "CONFIRMED", "FAILED", "TIMED_OUT", "UNKNOWN"):
        attempt = await store.attempts.create(
            door_key="d", action="unlock", principal="p", vendor="v"
        )
        await store.attempts.update(attempt.id, status=status)  # type: ignore[arg-type]
        ids.append((attempt.id, status))

    pending = await store.attempts.pending()

    assert [(a.id, a.status) for a in pending] == [
        (i, s) for i, s in ids if s in ("PENDING", "ACCEPTED", "UNKNOWN")
    ]
