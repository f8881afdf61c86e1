"""Spaces and rooms: list and detail shapes as the reference prints them, and their writes."""

from __future__ import annotations

from tests.sandbox.butlr.conftest import INVALID, NOT_FOUND, ButlrApi

SENSOR_REF_KEYS = {
    "id",
    "mac_address",
    "name",
    "mode",
    "isEntrance",
    "hive",
    "room",
    "gateway_id",
    "height",
    "center",
}
SPACE_KEYS = {
    "id",
    "name",
    "address",
    "capacity",
    "mid_capacity",
    "area",
    "timezone",
    "installation_date",
    "sensors",
    "hives",
    "rooms",
    "gateways",
}
SPACE_ROOM_KEYS = {
    "id",
    "type",
    "coordinates",
    "color",
    "space_id",
    "name",
    "maxCapacity",
    "area",
    "capacity",
    "mid_capacity",
    "door_line",
    "parallel_to_door",
    "in_direction",
    "sensitivity",
}
LIST_ROOM_KEYS = SPACE_ROOM_KEYS - {"door_line", "parallel_to_door", "in_direction", "sensitivity"}
ROOM_DETAIL_KEYS = {
    "id",
    "type",
    "name",
    "coordinates",
    "sensors",
    "color",
    "space",
    "maxCapacity",
    "area",
    "capacity",
    "mid_capacity",
}
SQUARE = [[1, 1], [5, 1], [5, 4], [1, 4]]


async def test_list_spaces_embeds_sensors_hives_rooms_like_the_sample(api: ButlrApi) -> None:
    page = await api.ok("GET", "/api/v2/spaces")

    assert set(page) == {"data", "next", "prev"}
    assert (page["next"], page["prev"]) == ("", "")
    assert len(page["data"]) == 3
    space = page["data"][0]
    assert set(space) == SPACE_KEYS
    assert space["id"].startswith("space_")
    assert len(space["id"]) == len("space_") + 27
    assert set(space["sensors"][0]) == SENSOR_REF_KEYS
    assert set(space["hives"][0]) == {"id", "serial_number", "num_sensors"}
    assert sum(h["num_sensors"] for h in space["hives"]) == len(space["sensors"]) == 40
    assert set(space["rooms"][0]) == SPACE_ROOM_KEYS
    assert space["gateways"] == [{"id": "", "mac_address": ""}]
    assert space["timezone"] == "America/New_York"
    assert space["capacity"] == sum(r["capacity"] for r in space["rooms"])


async def test_space_details_with_details_true_adds_battery_and_room_sensors(
    api: ButlrApi,
) -> None:
    space_id = (await api.ok("GET", "/api/v2/spaces"))["data"][0]["id"]

    plain = await api.ok("GET", f"/api/v2/spaces/{space_id}")
    detailed = await api.ok("GET", f"/api/v2/spaces/{space_id}?details=true")

    assert set(plain) == SPACE_KEYS
    assert "remainingBatteryPercent" not in plain["sensors"][0]
    sensor = detailed["sensors"][0]
    assert {
        "remainingBatteryPercent",
        "isBatteryLow",
        "last_heartbeat",
        "orientation",
        "activeHours",
    } <= set(sensor)
    assert sensor["isBatteryLow"] in ("true", "false")
    assert len(detailed["rooms"][0]["sensors"]) == 2


async def test_create_update_delete_space(api: ButlrApi) -> None:
    created = await api.ok("POST", "/api/v2/spaces", status=201, json={"name": "794 Odie Knolls"})
    assert set(created) == {"id", "name"}
    assert created["name"] == "794 Odie Knolls"
    path = f"/api/v2/spaces/{created['id']}"

    fresh = await api.ok("GET", path)
    updated = await api.ok(
        "PUT",
        path,
        json={
            "name": "Odie Knolls",
            "address": "794 Odie Knolls",
            "timezone": "Europe/Lisbon",
            "capacity": 12,
        },
    )
    bad_zone = await api.call("PUT", path, json={"timezone": "Mars/Olympus"})
    listed = [s["id"] for s in (await api.ok("GET", "/api/v2/spaces"))["data"]]
    deleted = await api.call("DELETE", path)
    gone = await api.call("GET", path)

    assert (fresh["sensors"], fresh["hives"], fresh["rooms"]) == ([], [], [])
    assert fresh["gateways"] == [{"id": "", "mac_address": ""}]
    assert (updated["name"], updated["timezone"], updated["capacity"]) == (
        "Odie Knolls",
        "Europe/Lisbon",
        12,
    )
    assert (bad_zone.status, bad_zone.body) == (400, INVALID)
    assert listed[-1] == created["id"]
    assert deleted.status == 204
    assert (gone.status, gone.body) == (404, NOT_FOUND)


async def test_space_with_live_hardware_cannot_be_deleted(api: ButlrApi) -> None:
    space_id = (await api.ok("GET", "/api/v2/spaces"))["data"][0]["id"]

    reply = await api.call("DELETE", f"/api/v2/spaces/{space_id}")

    assert (reply.status, reply.body) == (400, INVALID)


async def test_update_space_adds_a_sensor_by_mac(api: ButlrApi) -> None:
    space = (await api.ok("GET", "/api/v2/spaces"))["data"][0]
    room_id, hive_id = space["rooms"][3]["id"], space["hives"][0]["id"]
    new = {
        "mac_address": "00:17:0D:AA:BB:CC:DD:EE",
        "room_id": room_id,
        "hive_id": hive_id,
        "name": "Mail Room Door",
        "mode": "headcount",
        "center": [20.5, 15],
        "PK": "ignored",
    }

    updated = await api.ok("PUT", f"/api/v2/spaces/{space['id']}", json={"sensors": [new]})
    sensor = await api.ok("GET", "/api/v2/sensors/00-17-0d-aa-bb-cc-dd-ee")

    added = [s for s in updated["sensors"] if s["mac_address"] == "00-17-0d-aa-bb-cc-dd-ee"]
    assert len(added) == 1
    assert added[0]["room"]["id"] == room_id
    assert sensor["id"].startswith("sensor_")
    assert sensor["mode"] == "headcount"
    assert len(updated["sensors"]) == len(space["sensors"]) + 1


async def test_list_rooms_and_room_details_shapes(api: ButlrApi) -> None:
    space_id = (await api.ok("GET", "/api/v2/spaces"))["data"][0]["id"]

    page = await api.ok("GET", f"/api/v2/spaces/{space_id}/rooms")
    room = page["data"][0]
    details = await api.ok("GET", f"/api/v2/spaces/{space_id}/rooms/{room['id']}")
    detailed = await api.ok("GET", f"/api/v2/spaces/{space_id}/rooms/{room['id']}?details=true")

    assert len(page["data"]) == 20
    assert set(room) == LIST_ROOM_KEYS
    assert room["space_id"] == space_id
    assert len(room["coordinates"]) == 4
    assert len(room["color"]) == 4
    assert set(details) == ROOM_DETAIL_KEYS
    assert details["space"]["id"] == space_id
    assert [set(s) for s in details["sensors"]] == [SENSOR_REF_KEYS, SENSOR_REF_KEYS]
    assert "height" in detailed
    assert "remainingBatteryPercent" in detailed["sensors"][0]


async def test_create_rooms_takes_an_array_and_lists_them(api: ButlrApi) -> None:
    space_id = (await api.ok("GET", "/api/v2/spaces"))["data"][0]["id"]
    rooms_path = f"/api/v2/spaces/{space_id}/rooms"
    body = [
        {
            "name": "Hot Desks",
            "type": "hotdesk",
            "height": 3,
            "color": [255, 0, 0],
            "coordinates": SQUARE,
            "capacity": 14,
        },
        {"name": "Phone Room 1", "type": "phoneroom", "coordinates": SQUARE},
    ]

    created = await api.ok("POST", rooms_path, status=201, json=body)
    listed = (await api.ok("GET", rooms_path))["data"]
    invalid = await api.call("POST", rooms_path, json=[{"name": "No shape", "type": "office"}])

    assert [r["name"] for r in created] == ["Hot Desks", "Phone Room 1"]
    assert created[0]["color"] == [255, 0, 0, 255]
    assert (created[0]["capacity"], created[0]["mid_capacity"], created[0]["area"]) == (14, 7, 12)
    assert created[0]["sensors"] == []
    assert created[0]["space"]["id"] == space_id
    assert [r["id"] for r in listed[-2:]] == [r["id"] for r in created]
    assert (invalid.status, invalid.body) == (400, INVALID)
    assert len((await api.ok("GET", rooms_path))["data"]) == 22


async def test_update_room_requires_every_documented_field(api: ButlrApi) -> None:
    space = (await api.ok("GET", "/api/v2/spaces"))["data"][0]
    path = f"/api/v2/spaces/{space['id']}/rooms/{space['rooms'][0]['id']}"
    full = {
        "name": "Grand Lobby",
        "type": "entrance",
        "height": 3.5,
        "color": [1, 2, 3, 255],
        "coordinates": SQUARE,
    }

    partial = await api.call("PUT", path, json=[{"name": "Grand Lobby"}])
    updated = await api.ok("PUT", path, json=[full])

    assert (partial.status, partial.body) == (400, INVALID)
    assert updated["name"] == "Grand Lobby"
    assert updated["coordinates"] == SQUARE
    assert len(updated["sensors"]) == 2
    assert (await api.ok("GET", path))["name"] == "Grand Lobby"


async def test_delete_room_unplaces_its_sensors(api: ButlrApi) -> None:
    space = (await api.ok("GET", "/api/v2/spaces"))["data"][0]
    room_id = space["rooms"][1]["id"]
    sensor_id = next(s["id"] for s in space["sensors"] if s["room"]["id"] == room_id)

    deleted = await api.call("DELETE", f"/api/v2/spaces/{space['id']}/rooms/{room_id}")
    gone = await api.call("GET", f"/api/v2/spaces/{space['id']}/rooms/{room_id}")
    sensor = await api.ok("GET", f"/api/v2/sensors/{sensor_id}")

    assert deleted.status == 204
    assert gone.status == 404
    assert sensor["room"] == {"id": "", "space_id": space["id"]}


async def test_room_types_are_the_35_documented_keys_verbatim(api: ButlrApi) -> None:
    page = await api.ok("GET", "/api/v2/room-types?lang=fr-FR")
    bad = await api.call("GET", "/api/v2/room-types?lang=de-DE")

    assert len(page["data"]) == 35
    assert page["next"] == ""
    names = {t["key"]: t["name"] for t in page["data"]}
    assert names["bedroom"] == "Bedroom "
    assert names["kitchenette"] == "Kitchennete / Bar"
    assert (bad.status, bad.body) == (400, INVALID)
