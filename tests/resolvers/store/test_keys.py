"""Visitor keys: our key ID and every vendor credential issuing it created."""

from __future__ import annotations

import pytest

from concierge.resolvers.store.errors import MissingRecordError
from concierge.resolvers.store.sql import SqlStore

RECURRING = {"kind": "recurring", "weekdays": ["mon", "wed"], "starts": "09:00", "ends": "17:00"}


async def test_a_key_is_read_back_with_its_credentials_in_order(store: SqlStore) -> None:
    key = await store.keys.create(
        unit_id="unit-1", name="Cleaner", schedule=RECURRING, tenant_id="t-1", pin="4821"
    )
    await store.keys.add_credential(
        key.id, vendor="butterflymx", kind="keychain", vendor_id="kc-1", detail={"n": 1}
    )
    await store.keys.add_credential(
        key.id, vendor="butterflymx", kind="virtual_key", vendor_id="vk-1"
    )
    await store.keys.add_credential(
        key.id, vendor="remotelock", kind="access_guest", vendor_id="g-1"
    )

    read = await store.keys.get(key.id)

    assert read is not None
    assert read.status == "CREATING"
    assert read.schedule == RECURRING
    assert read.pin == "4821"
    assert [(c.vendor, c.kind, c.vendor_id) for c in read.credentials] == [
        ("butterflymx", "keychain", "kc-1"),
        ("butterflymx", "virtual_key", "vk-1"),
        ("remotelock", "access_guest", "g-1"),
    ]
    assert read.credentials[0].detail == {"n": 1}
    assert await store.keys.get("no-such-key") is None


async def test_keys_by_unit_and_revocation(store: SqlStore) -> None:
    first = await store.keys.create(unit_id="unit-1", name="A", schedule={"kind": "one_time"})
    second = await store.keys.create(unit_id="unit-1", name="B", schedule={"kind": "one_time"})
    await store.keys.create(unit_id="unit-2", name="C", schedule={"kind": "one_time"})

    await store.keys.set_status(first.id, "ACTIVE")
    revoked = await store.keys.set_status(second.id, "REVOKED")
    on_unit = await store.keys.by_unit("unit-1")

    assert [(k.name, k.status) for k in on_unit] == [("A", "ACTIVE"), ("B", "REVOKED")]
    assert revoked.revoked_at is not None
    assert revoked.revoked_at.tzinfo is not None
    assert await store.keys.by_unit("unit-3") == []


async def test_unknown_keys_are_errors(store: SqlStore) -> None:
    with pytest.raises(MissingRecordError):
        await store.keys.set_status("no-such-key", "REVOKED")
    with pytest.raises(MissingRecordError):
        await store.keys.add_credential("no-such-key", vendor="v", kind="k", vendor_id="1")
