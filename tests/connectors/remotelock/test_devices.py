"""Locations and devices round-trip; pages and id batches cost exactly the requests they should."""

from __future__ import annotations

import asyncio

import pytest

from concierge.connectors.errors import VendorNotFoundError
from concierge.connectors.remotelock import RemoteLockClient, UnlockedEvent
from tests.conftest import RunningSandbox
from tests.connectors.remotelock.conftest import first_lock, reset_counters, route_count


async def test_list_devices_walks_three_pages_of_fifty_and_stops(
    client: RemoteLockClient, sandbox: RunningSandbox
) -> None:
    await client.tokens.token()
    await reset_counters(sandbox)

    devices = await client.doors.list()

    assert len(devices) == 150
    assert len({d.id for d in devices}) == 150
    assert await route_count(sandbox, "GET /api/devices") == 3


async def test_devices_by_id_go_out_in_chunks_of_fifty(
    client: RemoteLockClient, sandbox: RunningSandbox
) -> None:
    wanted = [d.id for d in await client.doors.list()][:120]
    await reset_counters(sandbox)

    found = await client.doors.list(ids=[*wanted, *wanted[:10]])  # repeats are sent once

    assert sorted(d.id for d in found) == sorted(wanted)
    assert await route_count(sandbox, "GET /api/devices") == 3  # 50 + 50 + 20 ids
    assert await client.doors.list(ids=[]) == []
    assert await route_count(sandbox, "GET /api/devices") == 3


async def test_devices_filter_by_location_at_the_vendor(client: RemoteLockClient) -> None:
    locations = sorted({d.location_id for d in await client.doors.list()})
    per_location = [await client.doors.list(location_ids=[loc]) for loc in locations]

    for location, devices in zip(locations, per_location, strict=True):
        assert devices
        assert {d.location_id for d in devices} == {location}
    assert sum(len(d) for d in per_location) == 150
    both = await client.doors.list(location_ids=[locations[0], locations[1]])
    assert len(both) == len(per_location[0]) + len(per_location[1])


async def test_a_lock_gets_by_id_with_its_state_and_battery(client: RemoteLockClient) -> None:
    listed = (await client.doors.list(types=["lock"], sort="name"))[0]
    lock = await client.doors.get(listed.id)
    assert lock == listed
    assert lock.is_lock
    assert lock.state in ("locked", "unlocked")
    assert lock.power_level is not None


async def test_unlock_then_lock_answer_the_commanded_state_and_the_lock_confirms(
    client: RemoteLockClient,
) -> None:
    device_id = await first_lock(client)

    unlocked = await client.doors.unlock(device_id)
    assert unlocked.state == "unlocked"
    confirmed: list[UnlockedEvent] = []
    async with asyncio.timeout(5):
        while not confirmed:
            await asyncio.sleep(0.2)
            events = await client.events.list(types=["unlocked"], publisher_ids=[device_id])
            confirmed = [e for e in events if isinstance(e, UnlockedEvent) and e.method == "remote"]
    assert confirmed[0].status == "succeeded"

    locked = await client.doors.lock(device_id)
    assert locked.state == "locked"


async def test_an_unknown_device_is_not_found(client: RemoteLockClient) -> None:
    with pytest.raises(VendorNotFoundError) as caught:
        await client.doors.get("00000000-0000-0000-0000-000000000000")
    assert caught.value.status == 404
    with pytest.raises(VendorNotFoundError):
        await client.doors.unlock("00000000-0000-0000-0000-000000000000")


async def test_accesses_that_open_a_lock_include_its_location_accesses(
    client: RemoteLockClient,
) -> None:
    devices = await client.doors.list(types=["lock"])
    for device in devices:
        accesses = await client.doors.list_accesses(device.id)
        if accesses:
            break
    else:
        pytest.fail("no lock in the demo world has accesses")
    assert {a.accessible_id for a in accesses} <= {device.id, device.location_id}
    users = await client.doors.list_accesses(device.id, access_person_type="access_user")
    assert all(a.access_person_type == "access_user" for a in users)
