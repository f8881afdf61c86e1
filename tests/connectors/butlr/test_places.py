"""Spaces, rooms, room types and zones round-trip against the sandbox."""

from __future__ import annotations

import pytest

from connectors.butlr import ButlrClient, Space
from connectors.errors import VendorNotFoundError, VendorRejectedError
from tests.conftest import RunningSandbox
from tests.connectors.butlr.conftest import reset_counters, route_count

SQUARE = [(1.0, 1.0), (4.0, 1.0), (4.0, 4.0), (1.0, 4.0)]


async def test_spaces_list_with_their_rooms_sensors_and_hives(client: ButlrClient) -> None:
    spaces = await client.list_spaces()

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
    spaces = await client.list_spaces()
    await reset_counters(sandbox)

    wanted = await client.list_spaces(ids=[spaces[2].id, "space_unknown"])

    assert [s.id for s in wanted] == [spaces[2].id]
    assert await route_count(sandbox, "GET /api/v2/spaces") == 1


async def test_space_details_carry_sensor_batteries_and_room_sensors(
    client: ButlrClient, space: Space
) -> None:
    detailed = await client.get_space(space.id, details=True)

    assert detailed.id == space.id
    sensor = detailed.sensors[0]
    assert sensor.battery_percent is not None
    assert sensor.battery_low is not None
    assert sensor.last_heartbeat is not None
    assert sensor.space_name == space.name
    assert any(room.sensors for room in detailed.rooms)


async def test_an_unknown_space_is_not_found(client: ButlrClient) -> None:
    with pytest.raises(VendorNotFoundError) as caught:
        await client.get_space("space_doesnotexist")
    assert caught.value.message == "Not Found"


async def test_create_space_returns_its_id_and_name(client: ButlrClient) -> None:
    created = await client.create_space("Annex")

    assert created.name == "Annex"
    assert (await client.get_space(created.id)).rooms == ()


async def test_list_rooms_fetches_each_space_concurrently_in_one_walk_each(
    client: ButlrClient, sandbox: RunningSandbox
) -> None:
    spaces = await client.list_spaces()
    await reset_counters(sandbox)

    rooms = await client.list_rooms([s.id for s in spaces])

    assert len(rooms) == 60
    assert [r.space_id for r in rooms[:20]] == [spaces[0].id] * 20
    assert {r.id for r in rooms} == {r.id for s in spaces for r in s.rooms}
    assert await route_count(sandbox, "GET /api/v2/spaces/{space_id}/rooms") == 3


async def test_list_rooms_keeps_only_the_asked_room_ids(client: ButlrClient, space: Space) -> None:
    wanted = [space.rooms[3].id, space.rooms[1].id]

    rooms = await client.list_rooms([space.id, space.id], room_ids=wanted, details=True)

    assert {r.id for r in rooms} == set(wanted)
    assert all(r.height is not None and r.sensors for r in rooms)


async def test_get_room_embeds_its_sensors(client: ButlrClient, space: Space) -> None:
    room = await client.get_room(space.id, space.rooms[0].id)

    assert room.id == space.rooms[0].id
    assert room.space_id == space.id
    assert room.space_name == space.name
    assert room.sensors
    assert {s.room_id for s in room.sensors} == {room.id}
    assert len(room.coordinates) >= 3


async def test_room_types_are_the_vendor_catalogue_verbatim(client: ButlrClient) -> None:
    types = await client.list_room_types(lang="fr-FR")

    assert len(types) == 35
    assert types[0].key == "entrance"
    assert any(t.name.endswith(" ") for t in types)  # "Bedroom ", kept as printed


async def test_create_and_update_a_room(client: ButlrClient, space: Space) -> None:
    created = await client.create_room(
        space.id, name="Quiet Room", type="office", coordinates=SQUARE, capacity=4
    )
    assert created.space_id == space.id
    assert created.capacity == 4
    assert created.area == 9

    updated = await client.update_room(
        space.id,
        created.id,
        name="Focus Room",
        type="library",
        height=3.0,
        color=[0, 0, 255],
        coordinates=SQUARE,
    )

    assert (updated.name, updated.type, updated.color) == (
        "Focus Room",
        "library",
        (0, 0, 255, 255),
    )
    fetched = await client.get_room(space.id, created.id, details=True)
    assert fetched.name == "Focus Room"
    assert fetched.height == 3


async def test_a_room_the_vendor_refuses_is_a_rejected_error(
    client: ButlrClient, space: Space
) -> None:
    with pytest.raises(VendorRejectedError) as caught:
        await client.create_room(space.id, name="Line", type="office", coordinates=SQUARE[:2])
    assert caught.value.status == 400
    assert caught.value.message == "Invalid request"


async def test_zones_list_per_space_and_round_trip(client: ButlrClient, space: Space) -> None:
    seeded = await client.list_zones([space.id])
    assert seeded
    assert all(z.space_id == space.id for z in seeded)

    created = await client.create_zone(
        space.id,
        name="Window Seats",
        coordinates=[1, 1, 3, 1, 3, 3],
        room_id=space.rooms[0].id,
        capacity=3,
    )
    assert created.id.startswith("zone_")
    assert created.room_id == space.rooms[0].id

    updated = await client.update_zone(space.id, created.id, name="Bay Window", capacity=5)
    assert (updated.name, updated.capacity, updated.room_id) == ("Bay Window", 5, created.room_id)
    assert (await client.get_zone(space.id, created.id)).name == "Bay Window"
    only = await client.list_zones([space.id], zone_ids=[created.id])
    assert [z.id for z in only] == [created.id]

    await client.delete_zone(space.id, created.id)
    with pytest.raises(VendorNotFoundError):
        await client.get_zone(space.id, created.id)


async def test_pagination_walks_every_page_and_stops(
    client: ButlrClient, space: Space, sandbox: RunningSandbox
) -> None:
    client.page_size = 7
    await reset_counters(sandbox)

    rooms = await client.list_rooms([space.id])
    types = await client.list_room_types()

    assert [r.id for r in rooms] == [r.id for r in space.rooms]
    assert len(types) == 35
    assert await route_count(sandbox, "GET /api/v2/spaces/{space_id}/rooms") == 3  # 7+7+6
    assert await route_count(sandbox, "GET /api/v2/room-types") == 5  # 35 / 7


async def test_lists_ask_for_the_largest_page(client: ButlrClient, sandbox: RunningSandbox) -> None:
    await client.list_room_types()  # log in first
    await reset_counters(sandbox)

    sensors = await client.list_sensors()

    assert len(sensors) == 120
    assert await route_count(sandbox, "GET /api/v2/sensors") == 2  # 100 + 20


async def test_one_missing_space_fails_a_batched_listing_with_its_own_error(
    client: ButlrClient, space: Space
) -> None:
    with pytest.raises(VendorNotFoundError) as caught:
        await client.list_rooms([space.id, "space_gone", space.id])
    assert caught.value.status == 404  # one VendorError, not an ExceptionGroup
