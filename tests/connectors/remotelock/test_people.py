"""Access persons (guests) and their accesses round-trip against the sandbox."""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta

import pytest

from concierge.connectors.errors import FieldError, VendorRejectedError
from concierge.connectors.remotelock import ALL_STATUSES, AccessPerson, RemoteLockClient
from tests.conftest import RunningSandbox
from tests.connectors.remotelock.conftest import first_lock, reset_counters, route_count


def _window() -> tuple[datetime, datetime]:
    starts = datetime.now(UTC).replace(tzinfo=None, microsecond=0) + timedelta(days=30)
    return starts, starts + timedelta(hours=4)


async def _guest(client: RemoteLockClient, name: str, pin: str) -> AccessPerson:
    starts, ends = _window()
    return await client.people.create_guest(name, starts_at=starts, ends_at=ends, pin=pin)


async def test_the_default_listing_hides_expired_and_deactivated_persons(
    client: RemoteLockClient, sandbox: RunningSandbox
) -> None:
    await client.tokens.token()
    await reset_counters(sandbox)

    default = await client.people.list()
    everyone = await client.people.list(statuses=ALL_STATUSES)

    assert {p.status for p in default} <= {"current", "upcoming"}
    assert {"expired", "deactivated"} <= {p.status for p in everyone}
    assert {p.id for p in default} < {p.id for p in everyone}
    pages = -(-len(default) // 50) + -(-len(everyone) // 50)
    assert await route_count(sandbox, "GET /api/access_persons") == pages
    guests = await client.people.list(types=["access_guest"], statuses=ALL_STATUSES)
    assert guests
    assert all(p.is_guest for p in guests)


async def test_a_guest_gets_a_generated_pin_and_a_wall_clock_window(
    client: RemoteLockClient,
) -> None:
    starts = datetime.now(UTC).replace(tzinfo=None, microsecond=0) + timedelta(days=30)
    guest = await client.people.create_guest(
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
        await client.people.create_guest("G", starts_at=aware, ends_at=aware, pin="1357911")
    starts, ends = _window()
    with pytest.raises(ValueError, match="pin"):
        await client.people.create_guest("No Credential", starts_at=starts, ends_at=ends)
    assert await route_count(sandbox, "POST /api/access_persons") == 0


async def test_updates_apply_until_deactivation_makes_the_person_read_only(
    client: RemoteLockClient,
) -> None:
    person = await _guest(client, "Temp Staff", "8642097")
    updated = await client.people.update(person.id, name="Temp Staff (Lobby)", email=None)
    assert (updated.name, updated.email, updated.pin) == ("Temp Staff (Lobby)", None, "8642097")
    regenerated = await client.people.update(person.id, generate_pin=True)
    assert regenerated.pin not in (None, "8642097")

    deactivated = await client.people.deactivate(person.id)
    assert deactivated.status == "deactivated"
    assert deactivated.restricted_actions == ("update",)
    assert (await client.people.deactivate(person.id)).status == "deactivated"
    with pytest.raises(VendorRejectedError) as caught:
        await client.people.update(person.id, name="Back Again")
    assert caught.value.status == 422
    assert caught.value.field_errors[0].field is None


async def test_a_pin_already_in_use_is_rejected_with_a_field_error(
    client: RemoteLockClient,
) -> None:
    taken = next(p.pin for p in await client.people.list() if p.pin)
    with pytest.raises(VendorRejectedError) as caught:
        await _guest(client, "Copycat", taken)
    assert caught.value.field_errors == (FieldError("pin", "has already been taken"),)
    assert taken not in str(caught.value)


async def test_an_access_is_granted_read_updated_and_revoked(
    client: RemoteLockClient,
) -> None:
    person = await _guest(client, "Dog Walker", "5318008")
    lock_id = await first_lock(client)

    granted = await client.accesses.create(
        person.id, accessible_type="lock", accessible_id=lock_id, guest_start_time=time(14, 0)
    )
    assert (granted.accessible_type, granted.accessible_id) == ("lock", lock_id)
    assert granted.guest_start_time == time(14, 0)
    assert granted.devices_count == 1
    assert await client.accesses.get(person.id, granted.id) == granted
    assert [a.id for a in await client.accesses.list(person.id)] == [granted.id]
    assert await client.accesses.list(person.id, accessible_type="location") == []

    unscheduled = await client.accesses.update(person.id, granted.id, access_schedule_id=None)
    assert unscheduled.access_schedule_id is None

    await client.accesses.delete(person.id, granted.id)
    assert await client.accesses.list(person.id) == []
