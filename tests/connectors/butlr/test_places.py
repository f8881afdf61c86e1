"""Spaces, rooms and zones read back from the sandbox."""

from __future__ import annotations

import pytest

from concierge.connectors.butlr import ButlrClient, Space
from concierge.connectors.errors import VendorNotFoundError
from tests.conftest import RunningSandbox
from tests.connectors.butlr.conftest import reset_counters, route_count

SQUARE = [(1.0, 1.0), (4.0, 1.0), (4.0, 4.0), (1.0, 4.0)]


async def test_spaces_list_with_their_rooms_sensors_and_hives(client: ButlrClient) -> None:
    spaces = await client.spaces.list()

    assert len(spaces) == 3
    first = spaces[0]
    assert first.id.startswith("space_")
    assert first.timezone == "America/New_York"
    assert first.installation_date is not None
    assert len(first.rooms) == 20
    assert {r.space_id for r in first.rooms} == {first.id}
    assert first.sensors
    assert {s.space_id for s in first.sensors} == {first.id}
    assert first.hives[0].num_sensors


async def test_list_spaces_filters_by_id_in_one_walk(
    client: ButlrClient, sandbox: RunningSandbox
) -> None:
    spaces = await client.spaces.list()
    await reset_counters(sandbox)

    wanted = await client.spaces.list(ids=[spaces[2].id, "space_unknown"])

    assert [s.id for s in wanted] == [spaces[2].id]
    assert await route_count(sandbox, "GET /api/v2/spaces") == 1


async def test_space_details_carry_sensor_batteries_and_room_sensors(
    client: ButlrClient, space: Space
) -> None:
    detailed = await client.spaces.get(space.id, details=True)

    assert detailed.id == space.id
    sensor = detailed.sensors[0]
    assert sensor.battery_percent is not None
    assert sensor.battery_low is not None
    assert sensor.last_heartbeat is not None
    assert sensor.space_name == space.name
    assert any(room.sensors for room in detailed.rooms)


async def test_an_unknown_space_is_not_found(client: ButlrClient) -> None:
    with pytest.raises(VendorNotFoundError) as caught:
        await client.spaces.get("space_doesnotexist")
    assert caught.value.message == "Not Found"


async def test_list_rooms_fetches_each_space_concurrently_in_one_walk_each(
    client: ButlrClient, sandbox: RunningSandbox
) -> None:
    spaces = await client.spaces.list()
    await reset_counters(sandbox)

    rooms = await client.rooms.list([s.id for s in spaces])

    assert len(rooms) == 60
    assert [r.space_id for r in rooms[:20]] == [spaces[0].id] * 20
    assert {r.id for r in rooms} == {r.id for s in spaces for r in s.rooms}
    assert await route_count(sandbox, "GET /api/v2/spaces/{space_id}/rooms") == 3


async def test_list_rooms_keeps_only_the_asked_room_ids(client: ButlrClient, space: Space) -> None:
    wanted = [space.rooms[3].id, space.rooms[1].id]

    rooms = await client.rooms.list([space.id, space.id], room_ids=wanted, details=True)

    assert {r.id for r in rooms} == set(wanted)
    assert all(r.height is not None and r.sensors for r in rooms)


async def test_get_room_embeds_its_sensors(client: ButlrClient, space: Space) -> None:
    room = await client.rooms.get(space.id, space.rooms[0].id)

    assert room.id == space.rooms[0].id
    assert room.space_id == space.id
    assert room.space_name == space.name
    assert room.sensors
    assert {s.room_id for s in room.sensors} == {room.id}
    assert len(room.coordinates) >= 3


async def test_zones_list_per_space_and_each_gets_by_id(client: ButlrClient, space: Space) -> None:
    seeded = await client.zones.list([space.id])
    assert seeded
    assert all(z.space_id == space.id for z in seeded)

    one = await client.zones.get(space.id, seeded[0].id)
    assert one == seeded[0]
    only = await client.zones.list([space.id], zone_ids=[seeded[0].id])
    assert [z.id for z in only] == [seeded[0].id]
    with pytest.raises(VendorNotFoundError):
        await client.zones.get(space.id, "zone_missing")


async def test_pagination_walks_every_page_and_stops(
    client: ButlrClient, space: Space, sandbox: RunningSandbox
) -> None:
    client.core.page_size = 7
    await reset_counters(sandbox)

    rooms = await client.rooms.list([space.id])
    sensors = await client.sensors.list()

    assert [r.id for r in rooms] == [r.id for r in space.rooms]
    assert len(sensors) == 120
    assert await route_count(sandbox, "GET /api/v2/spaces/{space_id}/rooms") == 3  # 7+7+6
    assert await route_count(sandbox, "GET /api/v2/sensors") == 18  # 120 / 7


async def test_lists_ask_for_the_largest_page(client: ButlrClient, sandbox: RunningSandbox) -> None:
    await client.spaces.list()  # log in first
    await reset_counters(sandbox)

    sensors = await client.sensors.list()

    assert len(sensors) == 120
    assert await route_count(sandbox, "GET /api/v2/sensors") == 2  # 100 + 20


async def test_one_missing_space_fails_a_batched_listing_with_its_own_error(
    client: ButlrClient, space: Space
) -> None:
    with pytest.raises(VendorNotFoundError) as caught:
        await client.rooms.list([space.id, "space_gone", space.id])
    assert caught.value.status == 404  # one VendorError, not an ExceptionGroup
