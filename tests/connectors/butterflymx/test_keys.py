"""Keychains and virtual keys: issue, read back, revoke."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta

import pytest

from concierge.connectors.butterflymx import ButterflyMXClient
from concierge.connectors.errors import VendorNotFoundError, VendorRejectedError

START = datetime(2030, 5, 1, 9, 0, tzinfo=UTC)


async def _resident_unit(resident: ButterflyMXClient) -> str:
    me = await resident.me.get(include=["tenants"])
    unit_id = me.tenants[0].unit_id
    assert unit_id is not None
    return unit_id


async def test_custom_keychain_issues_one_key_per_recipient(resident: ButterflyMXClient) -> None:
    unit_id = await _resident_unit(resident)
    keychain = await resident.keychains.create_custom(
        "Dog walker",
        starts_at=START,
        ends_at=START + timedelta(days=2),
        recipients=["walker@example.com", "+16175550123"],
        unit_id=unit_id,
    )
    assert keychain.kind == "custom"
    assert keychain.starts_at == START
    assert [(k.email, k.sms_number) for k in keychain.virtual_keys] == [
        ("walker@example.com", None),
        (None, "+16175550123"),
    ]
    assert await resident.keychains.get(keychain.id) == keychain
    listed = await resident.keychains.list(unit_ids=[unit_id])
    assert keychain in listed
    await resident.keychains.delete(keychain.id)
    with pytest.raises(VendorNotFoundError):
        await resident.keychains.get(keychain.id)


async def test_recurring_keychain_keeps_weekdays_and_hours(resident: ButterflyMXClient) -> None:
    me = await resident.me.get(include=["tenants"])
    keychain = await resident.keychains.create_recurring(
        "Cleaner",
        weekdays=["wed", "sat"],
        start_date=date(2030, 5, 1),
        end_date=date(2030, 6, 1),
        time_from=time(11, 20),
        time_to=time(11, 50),
        recipients=["cleaner@example.com"],
        tenant_id=me.tenant_ids[0],
    )
    assert keychain.kind == "recurring"
    assert keychain.weekdays == ("wed", "sat")
    assert (keychain.time_from, keychain.time_to) == ("11:20", "11:50")
    assert keychain.starts_at == datetime(2030, 5, 1, 11, 20, tzinfo=UTC)
    by_tenant = await resident.keychains.list(tenant_ids=[me.tenant_ids[0]])
    assert keychain.id in {k.id for k in by_tenant}


async def test_one_time_keychain_keys_report_their_use(resident: ButterflyMXClient) -> None:
    keychain = await resident.keychains.create_one_time(
        "Delivery",
        starts_at=START,
        ends_at=START + timedelta(hours=4),
        recipients=["courier@example.com"],
        unit_id=await _resident_unit(resident),
    )
    assert keychain.kind == "one_time"
    assert [k.used_at for k in keychain.virtual_keys] == [None]


async def test_virtual_keys_are_added_and_revoked_one_by_one(resident: ButterflyMXClient) -> None:
    keychain = await resident.keychains.create_custom(
        "Guests",
        starts_at=START,
        ends_at=START + timedelta(days=1),
        unit_id=await _resident_unit(resident),
    )
    assert keychain.virtual_keys == ()
    key = await resident.virtual_keys.create(keychain.id, sms_number="+16175550199")
    assert (key.name, key.sms_number, key.email) == ("Guests", "+16175550199", None)
    named = await resident.virtual_keys.create(keychain.id, email="a@example.com", name="Ann")
    assert named.name == "Ann"
    await resident.virtual_keys.delete(keychain.id, key.id)
    after = await resident.keychains.get(keychain.id)
    assert [k.id for k in after.virtual_keys] == [named.id]


async def test_vendor_validation_errors_name_the_field(resident: ButterflyMXClient) -> None:
    unit_id = await _resident_unit(resident)
    keychain = await resident.keychains.create_custom(
        "Guests", starts_at=START, ends_at=START + timedelta(days=1), unit_id=unit_id
    )
    with pytest.raises(VendorRejectedError) as rejected:
        await resident.virtual_keys.create(keychain.id, sms_number="12")
    assert [f.field for f in rejected.value.field_errors] == ["sms_number"]
    with pytest.raises(VendorRejectedError) as backwards:
        await resident.keychains.create_custom(
            "Backwards", starts_at=START, ends_at=START - timedelta(days=1), unit_id=unit_id
        )
    assert [f.field for f in backwards.value.field_errors] == ["ends_at"]
    assert "must be after" in str(backwards.value)


async def test_keychain_arguments_are_checked_before_sending(resident: ButterflyMXClient) -> None:
    with pytest.raises(ValueError, match="exactly one"):
        await resident.keychains.create_custom("x", starts_at=START, ends_at=START)
    with pytest.raises(ValueError, match="timezone-aware"):
        await resident.keychains.create_custom(
            "x", starts_at=START.replace(tzinfo=None), ends_at=START, unit_id=1
        )
    with pytest.raises(ValueError, match="weekdays"):
        await resident.keychains.create_recurring(
            "x",
            weekdays=["funday"],
            start_date=date(2030, 1, 1),
            end_date=date(2030, 1, 2),
            time_from=time(1),
            time_to=time(2),
            unit_id=1,
        )
    with pytest.raises(ValueError, match="email or an sms_number"):
        await resident.virtual_keys.create("1")
