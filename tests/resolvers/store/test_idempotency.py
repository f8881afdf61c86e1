"""Idempotency claims: one owner however many callers race, across restarts and replicas."""

from __future__ import annotations

import asyncio

import pytest
from cryptography.fernet import MultiFernet

from concierge.resolvers.store.errors import MissingRecordError
from concierge.resolvers.store.records import Claim
from concierge.resolvers.store.sql import SqlStore
from tests.resolvers.store.conftest import OpenStore

RESULT = {"attempt": {"id": "a-1", "status": "ACCEPTED"}}


async def _claim_then_finish(store: SqlStore, key: str) -> tuple[Claim, dict[str, object] | None]:
    """What one unlockDoor request does: claim; the owner works and completes, the others
    wait for its answer."""
    claim = await store.idempotency.claim("principal-1", key, "unlockDoor", "fp-1")
    if claim.owner:
        await asyncio.sleep(0.2)  # the vendor call
        done = await store.idempotency.complete("principal-1", key, RESULT)
        return claim, done.result
    seen = await store.idempotency.wait("principal-1", key, timeout_s=10)
    assert seen is not None
    return claim, seen.result


async def test_twenty_concurrent_claims_make_one_owner_and_nineteen_see_its_result(
    store: SqlStore,
) -> None:
    outcomes = await asyncio.gather(*(_claim_then_finish(store, "key-1") for _ in range(20)))

    assert sum(claim.owner for claim, _ in outcomes) == 1
    assert [result for _, result in outcomes] == [RESULT] * 20


@pytest.mark.requires_postgres
async def test_two_replicas_on_postgresql_make_one_owner(
    postgres_url: str, token_key: MultiFernet
) -> None:
    first = await SqlStore.open(postgres_url, token_key)
    second = await SqlStore.open(postgres_url, token_key)
    try:
        outcomes = await asyncio.gather(
            *(_claim_then_finish(replica, "key-1") for replica in [first, second] * 10)
        )
    finally:
        await first.close()
        await second.close()

    assert sum(claim.owner for claim, _ in outcomes) == 1
    assert [result for _, result in outcomes] == [RESULT] * 20


async def test_a_claim_survives_a_restart(open_store: OpenStore) -> None:
    before = await open_store()
    owned = await before.idempotency.claim("p", "key-1", "unlockDoor", "fp-1")
    await before.idempotency.complete("p", "key-1", RESULT)
    await before.close()

    after = await open_store()
    again = await after.idempotency.claim("p", "key-1", "unlockDoor", "fp-1")

    assert owned.owner
    assert not again.owner
    assert again.record.result == RESULT
    assert again.record.created_at == owned.record.created_at


async def test_an_expired_claim_is_replaced_by_a_new_owner(store: SqlStore) -> None:
    old = await store.idempotency.claim("p", "key-1", "unlockDoor", "fp-1", ttl_s=0.05)
    await asyncio.sleep(0.1)

    assert await store.idempotency.get("p", "key-1") is None
    new = await store.idempotency.claim("p", "key-1", "unlockDoor", "fp-2")

    assert old.owner
    assert new.owner
    assert new.record.fingerprint == "fp-2"
    assert new.record.status == "in_progress"


async def test_the_same_key_with_other_input_gives_the_first_record_back(store: SqlStore) -> None:
    await store.idempotency.claim("p", "key-1", "unlockDoor", "fp-1")

    other = await store.idempotency.claim("p", "key-1", "unlockDoor", "fp-2")

    assert not other.owner
    assert not other.matches("fp-2")
    assert other.record.fingerprint == "fp-1"


async def test_keys_are_per_scope(store: SqlStore) -> None:
    mine = await store.idempotency.claim("alice", "key-1", "unlockDoor", "fp")
    theirs = await store.idempotency.claim("bob", "key-1", "unlockDoor", "fp")

    assert mine.owner
    assert theirs.owner


async def test_waiting_on_an_unfinished_claim_returns_it_unfinished_after_the_timeout(
    store: SqlStore,
) -> None:
    await store.idempotency.claim("p", "key-1", "unlockDoor", "fp")

    seen = await store.idempotency.wait("p", "key-1", timeout_s=0.15)

    assert seen is not None
    assert seen.status == "in_progress"


async def test_a_released_claim_can_be_owned_again(store: SqlStore) -> None:
    await store.idempotency.claim("p", "key-1", "unlockDoor", "fp")
    await store.idempotency.release("p", "key-1")

    again = await store.idempotency.claim("p", "key-1", "unlockDoor", "fp")

    assert again.owner
    assert await store.idempotency.wait("p", "missing", timeout_s=1) is None


async def test_purge_removes_only_expired_records(store: SqlStore) -> None:
    await store.idempotency.claim("p", "old", "unlockDoor", "fp", ttl_s=0.01)
    await store.idempotency.claim("p", "new", "unlockDoor", "fp")
    await asyncio.sleep(0.05)

    assert await store.idempotency.purge_expired() == 1
    assert await store.idempotency.get("p", "new") is not None


async def test_completing_an_unknown_key_is_an_error(store: SqlStore) -> None:
    with pytest.raises(MissingRecordError):
        await store.idempotency.complete("p", "never-claimed", RESULT)


async def test_timestamps_come_back_as_aware_utc(store: SqlStore) -> None:
    await store.idempotency.claim("p", "key-1", "unlockDoor", "fp")

    record = await store.idempotency.get("p", "key-1")

    assert record is not None
    assert record.created_at.utcoffset() is not None
    assert record.created_at.utcoffset().total_seconds() == 0  # type: ignore[union-attr]
    assert record.expires_at > record.created_at
