"""Access persons, their accesses and schedules round-trip against the sandbox."""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta

import pytest

from connectors.errors import FieldError, VendorNotFoundError, VendorRejectedError
from connectors.remotelock import ALL_STATUSES, RemoteLockClient
from tests.conftest import RunningSandbox
from tests.connectors.remotelock.conftest import VENDOR, first_lock, reset_counters, route_count


async def test_the_default_listing_hides_expired_and_deactivated_persons(
    client: RemoteLockClient, sandbox: RunningSandbox
) -> None:
    await client.tokens.token()
    await reset_counters(sandbox)

    default = await client.list_access_persons()
    everyone = await client.list_access_persons(statuses=ALL_STATUSES)

    assert {p.status for p in default} <= {"current", "upcoming"}
    assert {"expired", "deactivated"} <= {p.status for p in everyone}
    assert {p.id for p in default} < {p.id for p in everyone}
    pages = -(-len(default) // 50) + -(-len(everyone) // 50)
    assert await route_count(sandbox, "GET /api/access_persons") == pages
    guests = await client.list_access_persons(types=["access_guest"], statuses=ALL_STATUSES)
    assert guests
    assert all(p.is_guest for p in guests)


async def test_a_user_with_a_pin_round_trips_and_is_gone_after_delete(
    client: RemoteLockClient,
) -> None:
    created = await client.create_access_user(
        "Ann Smith", pin="246813", email="ann@example.com", department="Maintenance"
    )
    assert (created.type, created.status, created.pin) == ("access_user", "current", "246813")
    fetched = await client.get_access_person(created.id)
    assert fetched == created
    assert [p.id for p in await client.list_access_persons(ids=[created.id])] == [created.id]

    await client.delete_access_person(created.id)
    with pytest.raises(VendorNotFoundError):
        await client.get_access_person(created.id)


async def test_a_guest_gets_a_generated_pin_and_a_wall_clock_window(
    client: RemoteLockClient,
) -> None:
    starts = datetime.now(UTC).replace(tzinfo=None, microsecond=0) + timedelta(days=30)
    guest = await client.create_access_guest(
        "Visiting Plumber", starts_at=starts, ends_at=starts + timedelta(hours=4), generate_pin=True
    )
    assert guest.is_guest
    assert guest.status == "upcoming"
    assert (guest.starts_at, guest.ends_at) == (starts, starts + timedelta(hours=4))
    assert guest.pin is not None
    assert guest.pin.isdigit()


async def test_a_guest_window_with_a_time_zone_is_refused_before_sending(
    client: RemoteLockClient, sandbox: RunningSandbox
) -> None:
    aware = datetime(2030, 1, 2, 16, 0, tzinfo=UTC)
    with pytest.raises(ValueError, match="starts_at"):
        await client.create_access_guest("G", starts_at=aware, ends_at=aware, pin="1357911")
    with pytest.raises(ValueError, match="pin"):
        await client.create_access_user("No Credential")
    assert await route_count(sandbox, "POST /api/access_persons") == 0


async def test_updates_apply_until_deactivation_makes_the_person_read_only(
    client: RemoteLockClient,
) -> None:
    person = await client.create_access_user("Temp Staff", pin="8642097")
    updated = await client.update_access_person(person.id, name="Temp Staff (Lobby)", email=None)
    assert (updated.name, updated.email, updated.pin) == ("Temp Staff (Lobby)", None, "8642097")
    regenerated = await client.update_access_person(person.id, generate_pin=True)
    assert regenerated.pin not in (None, "8642097")

    deactivated = await client.deactivate_access_person(person.id)
    assert deactivated.status == "deactivated"
    assert deactivated.restricted_actions == ("update",)
    assert (await client.deactivate_access_person(person.id)).status == "deactivated"
    with pytest.raises(VendorRejectedError) as caught:
        await client.update_access_person(person.id, name="Back Again")
    assert caught.value.status == 422
    assert caught.value.field_errors[0].field is None


async def test_a_pin_already_in_use_is_rejected_with_a_field_error(
    client: RemoteLockClient,
) -> None:
    taken = next(p.pin for p in await client.list_access_persons() if p.pin)
    with pytest.raises(VendorRejectedError) as caught:
        await client.create_access_user("Copycat", pin=taken)
    assert caught.value.field_errors == (FieldError("pin", "has already been taken"),)
    assert taken not in str(caught.value)


async def test_access_instructions_are_emailed_on_request(
    client: RemoteLockClient, sandbox: RunningSandbox
) -> None:
    person = await client.create_access_user("Mail Me", pin="9753124", email="mail@example.com")
    await client.send_access_instructions(person.id, days_before=1)
    state = await sandbox.control("GET", f"/vendors/{VENDOR}")
    assert [e["access_person_id"] for e in state["emails_sent"]] == [person.id]


async def test_an_access_is_granted_read_rescheduled_and_revoked(
    client: RemoteLockClient,
) -> None:
    person = await client.create_access_user("Dog Walker", pin="5318008")
    lock_id = await first_lock(client)
    hours = next(s for s in await client.list_schedules(types=["access_schedule"]))

    granted = await client.grant_access(
        person.id,
        accessible_type="lock",
        accessible_id=lock_id,
        access_schedule_id=hours.id,
        guest_start_time=time(14, 0),
    )
    assert (granted.accessible_type, granted.accessible_id) == ("lock", lock_id)
    assert (granted.access_schedule_id, granted.guest_start_time) == (hours.id, time(14, 0))
    assert granted.devices_count == 1
    assert await client.get_access(person.id, granted.id) == granted
    assert [a.id for a in await client.list_accesses(person.id)] == [granted.id]
    assert await client.list_accesses(person.id, accessible_type="location") == []

    unscheduled = await client.update_access(person.id, granted.id, access_schedule_id=None)
    assert unscheduled.access_schedule_id is None

    await client.revoke_access(person.id, granted.id)
    assert await client.list_accesses(person.id) == []


async def test_a_schedule_is_created_read_renamed_and_deleted(client: RemoteLockClient) -> None:
    days = {"sat": [{"start_time": "09:00", "end_time": "13:00"}]}
    created = await client.create_schedule("access_schedule", "Weekend mornings", days)
    assert created.days["sat"] == ({"start_time": "09:00", "end_time": "13:00"},)
    assert created.days["mon"] == ()
    assert await client.get_schedule(created.id) == created
    assert created.id in {s.id for s in await client.list_schedules()}

    renamed = await client.update_schedule(
        created.id, name="Saturday mornings", days={"sun": [], **days}
    )
    assert (renamed.name, renamed.days["sat"]) == ("Saturday mornings", created.days["sat"])

    await client.delete_schedule(created.id)
    with pytest.raises(VendorNotFoundError):
        await client.get_schedule(created.id)
    with pytest.raises(ValueError, match="funday"):
        await client.create_schedule("access_schedule", "Bad", {"funday": []})
