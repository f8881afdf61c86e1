"""Locations and devices round-trip; pages and id batches cost exactly the requests they should."""

from __future__ import annotations

import asyncio

import pytest

from connectors.errors import VendorNotFoundError, VendorRejectedError
from connectors.remotelock import RemoteLockClient, UnlockedEvent
from tests.conftest import RunningSandbox
from tests.connectors.remotelock.conftest import first_lock, reset_counters, route_count


async def test_locations_list_sorted_by_name_and_each_gets_by_id(
    client: RemoteLockClient,
) -> None:
    locations = await client.list_locations()
    assert len(locations) == 3
    assert [loc.name for loc in locations] == sorted(loc.name for loc in locations)
    assert await client.get_location(locations[1].id) == locations[1]
    batch = await client.list_locations(ids=[locations[2].id, locations[0].id])
    assert {loc.id for loc in batch} == {locations[0].id, locations[2].id}
    assert all(loc.time_zone for loc in locations)


async def test_list_devices_walks_three_pages_of_fifty_and_stops(
    client: RemoteLockClient, sandbox: RunningSandbox
) -> None:
    await client.tokens.token()
    await reset_counters(sandbox)

    devices = await client.list_devices()

    assert len(devices) == 150
    assert len({d.id for d in devices}) == 150
    assert await route_count(sandbox, "GET /api/devices") == 3


async def test_devices_by_id_go_out_in_chunks_of_fifty(
    client: RemoteLockClient, sandbox: RunningSandbox
) -> None:
    wanted = [d.id for d in await client.list_devices()][:120]
    await reset_counters(sandbox)

    found = await client.list_devices(ids=[*wanted, *wanted[:10]])  # repeats are sent once

    assert sorted(d.id for d in found) == sorted(wanted)
    assert await route_count(sandbox, "GET /api/devices") == 3  # 50 + 50 + 20 ids
    assert await client.list_devices(ids=[]) == []
    assert await route_count(sandbox, "GET /api/devices") == 3


async def test_devices_filter_by_location_at_the_vendor(client: RemoteLockClient) -> None:
    locations = await client.list_locations()
    per_location = [await client.list_devices(location_ids=[loc.id]) for loc in locations]

    for location, devices in zip(locations, per_location, strict=True):
        assert devices
        assert {d.location_id for d in devices} == {location.id}
    assert sum(len(d) for d in per_location) == 150
    both = await client.list_devices(location_ids=[locations[0].id, locations[1].id])
    assert len(both) == len(per_location[0]) + len(per_location[1])


async def test_a_lock_gets_by_id_with_its_state_and_battery(client: RemoteLockClient) -> None:
    listed = (await client.list_devices(types=["lock"], sort="name"))[0]
    lock = await client.get_device(listed.id)
    assert lock == listed
    assert lock.is_lock
    assert lock.state in ("locked", "unlocked")
    assert lock.power_level is not None


async def test_update_device_sends_only_what_is_given_and_can_detach_a_schedule(
    client: RemoteLockClient,
) -> None:
    device_id = await first_lock(client)
    before = await client.get_device(device_id)
    schedule = await client.create_schedule(
        "lock_action_schedule", "Night lock", {"mon": [{"time": "22:00", "action": "lock"}]}
    )

    changed = await client.update_device(
        device_id, name="Renamed Door", muted=True, lock_action_schedule_id=schedule.id
    )
    assert (changed.name, changed.muted, changed.lock_action_schedule_id) == (
        "Renamed Door",
        True,
        schedule.id,
    )
    assert changed.location_id == before.location_id
    assert changed.auto_lock == before.auto_lock

    detached = await client.update_device(device_id, name=before.name, lock_action_schedule_id=None)
    assert (detached.name, detached.lock_action_schedule_id) == (before.name, None)


async def test_an_invalid_setting_is_rejected_with_the_field(client: RemoteLockClient) -> None:
    device_id = await first_lock(client)
    with pytest.raises(VendorRejectedError) as caught:
        await client.update_device(device_id, power_source="nuclear")
    assert caught.value.status == 422
    assert [f.field for f in caught.value.field_errors] == ["power_source"]


async def test_unlock_then_lock_answer_the_commanded_state_and_the_lock_confirms(
    client: RemoteLockClient,
) -> None:
    device_id = await first_lock(client)

    unlocked = await client.unlock_device(device_id)
    assert unlocked.state == "unlocked"
    confirmed: list[UnlockedEvent] = []
    async with asyncio.timeout(5):
        while not confirmed:
            await asyncio.sleep(0.2)
            events = await client.list_events(types=["unlocked"], publisher_ids=[device_id])
            confirmed = [e for e in events if isinstance(e, UnlockedEvent) and e.method == "remote"]
    assert confirmed[0].status == "succeeded"

    locked = await client.lock_device(device_id)
    assert locked.state == "locked"


async def test_an_unknown_device_is_not_found(client: RemoteLockClient) -> None:
    with pytest.raises(VendorNotFoundError) as caught:
        await client.get_device("00000000-0000-0000-0000-000000000000")
    assert caught.value.status == 404
    with pytest.raises(VendorNotFoundError):
        await client.unlock_device("00000000-0000-0000-0000-000000000000")


async def test_accesses_that_open_a_lock_include_its_location_accesses(
    client: RemoteLockClient,
) -> None:
    devices = await client.list_devices(types=["lock"])
    for device in devices:
        accesses = await client.list_device_accesses(device.id)
        if accesses:
            break
    else:
        pytest.fail("no lock in the demo world has accesses")
    assert {a.accessible_id for a in accesses} <= {device.id, device.location_id}
    users = await client.list_device_accesses(device.id, access_person_type="access_user")
    assert all(a.access_person_type == "access_user" for a in users)
