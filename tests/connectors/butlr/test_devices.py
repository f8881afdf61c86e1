"""Sensors and hives round-trip against the sandbox; lookups by MAC and serial."""

from __future__ import annotations

import pytest

from concierge.connectors.butlr import ButlrClient, Space
from concierge.connectors.errors import VendorNotFoundError
from tests.conftest import RunningSandbox
from tests.connectors.butlr.conftest import reset_counters, route_count


def shouting(mac: str) -> str:
    """`00-17-0d-...` as `00:17:0D:...`: how a person might type it."""
    return mac.upper().replace("-", ":")


async def test_sensors_of_some_rooms_come_from_one_listing_filtered_here(
    client: ButlrClient, space: Space, sandbox: RunningSandbox
) -> None:
    rooms = {space.rooms[0].id, space.rooms[5].id}
    await reset_counters(sandbox)

    sensors = await client.sensors.list(room_ids=rooms)

    assert sensors
    assert {s.room_id for s in sensors} == rooms
    assert all(s.space_id == space.id for s in sensors)
    assert await route_count(sandbox, "GET /api/v2/sensors") == 2  # one walk of 120


async def test_sensor_filters_combine_with_and(client: ButlrClient, space: Space) -> None:
    hive = space.hives[0]

    sensors = await client.sensors.list(space_ids=[space.id], hive_ids=[hive.id])

    assert len(sensors) == hive.num_sensors
    assert {(s.space_id, s.hive_id) for s in sensors} == {(space.id, hive.id)}


async def test_sensors_are_found_by_id_or_by_mac_in_any_form(
    client: ButlrClient, space: Space
) -> None:
    first, second = space.sensors[0], space.sensors[1]

    found = await client.sensors.list(ids=[first.id, shouting(second.mac_address)])

    assert {s.id for s in found} == {first.id, second.id}


async def test_get_sensor_by_mac_gives_the_details(client: ButlrClient, space: Space) -> None:
    ref = space.sensors[0]

    sensor = await client.sensors.get(shouting(ref.mac_address))

    assert sensor.id == ref.id
    assert sensor.mac_address == ref.mac_address
    assert sensor.space_name == space.name
    assert sensor.orientation is not None
    assert sensor.active_hours is not None
    assert len(sensor.active_hours) == 7
    assert sensor.battery_percent is not None
    assert sensor.last_heartbeat is not None
    assert (await client.sensors.get(ref.id)).mac_address == ref.mac_address


async def test_an_unknown_sensor_is_not_found(client: ButlrClient) -> None:
    with pytest.raises(VendorNotFoundError):
        await client.sensors.get("00-17-0d-ff-ff-ff-ff-ff")


async def test_hives_list_and_are_found_by_id_or_serial(client: ButlrClient, space: Space) -> None:
    hives = await client.hives.list()
    assert len(hives) == 6

    by_id = await client.hives.get(space.hives[0].id)
    by_serial = await client.hives.get(space.hives[0].serial_number)

    assert by_id == by_serial
    assert by_id.space_id == space.id
    assert by_id.sensors
    assert by_id.num_sensors == len(by_id.sensors)


async def test_hives_of_a_space_come_from_the_detailed_listing(
    client: ButlrClient, space: Space
) -> None:
    hives = await client.hives.list(space_ids=[space.id])

    assert {h.id for h in hives} == {h.id for h in space.hives}
    assert all(h.space_id == space.id for h in hives)
    assert [h.id for h in await client.hives.list(ids=[space.hives[1].serial_number])] == [
        space.hives[1].id
    ]
