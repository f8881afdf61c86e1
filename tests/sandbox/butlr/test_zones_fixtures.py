"""Zones and fixtures: seeded per space, created in batches, updated, deleted."""

from __future__ import annotations

from tests.sandbox.butlr.conftest import INVALID, NOT_FOUND, ButlrApi

ZONE_KEYS = {
    "id",
    "type",
    "name",
    "color",
    "coordinates",
    "space_id",
    "area",
    "area_unit",
    "capacity",
    "mid_capacity",
    "room_id",
}


async def test_each_space_has_zones_tied_to_its_rooms(api: ButlrApi) -> None:
    space = (await api.ok("GET", "/api/v2/spaces"))["data"][0]

    zones = (await api.ok("GET", f"/api/v2/spaces/{space['id']}/zones"))["data"]

    room_ids = {r["id"] for r in space["rooms"]}
    assert len(zones) == 5
    assert all(set(z) == ZONE_KEYS and z["room_id"] in room_ids for z in zones)
    assert all(z["id"].startswith("zone_") for z in zones)
    assert all(isinstance(c, int) for c in zones[0]["coordinates"])


async def test_zone_create_update_delete(api: ButlrApi) -> None:
    space = (await api.ok("GET", "/api/v2/spaces"))["data"][0]
    base = f"/api/v2/spaces/{space['id']}/zones"

    created = await api.ok(
        "POST",
        base,
        status=201,
        json=[
            {
                "name": "Window Seats",
                "type": "area",
                "coordinates": [1, 1, 4, 1, 4, 3],
                "capacity": 4,
                "room_id": space["rooms"][0]["id"],
            }
        ],
    )
    zone_path = f"{base}/{created[0]['id']}"
    updated = await api.ok("PATCH", zone_path, json={"name": "Bay Window", "capacity": 6})
    no_type = await api.call("PATCH", zone_path, json={"type": "desk"})
    deleted = await api.call("DELETE", zone_path)
    gone = await api.call("GET", zone_path)

    assert created[0]["space_id"] == space["id"]
    assert created[0]["capacity"] == 4
    assert (updated["name"], updated["capacity"], updated["type"]) == ("Bay Window", 6, "area")
    assert (no_type.status, no_type.body) == (400, INVALID)
    assert deleted.status == 204
    assert (gone.status, gone.body) == (404, NOT_FOUND)


async def test_fixtures_list_add_update_remove(api: ButlrApi) -> None:
    space_id = (await api.ok("GET", "/api/v2/spaces"))["data"][0]["id"]
    base = f"/api/v2/spaces/{space_id}/fixtures"

    seeded = await api.walk(base)
    added = await api.ok(
        "POST",
        base,
        status=201,
        json=[{"type": "desk", "center": [49.84, 22.49], "rotation": 90, "scale": [1, 1, 1]}],
    )
    path = f"{base}/{added[0]['id']}"
    updated = await api.ok("PATCH", path, json=[{"rotation": 180}])
    missing_scale = await api.call(
        "POST", base, json=[{"type": "desk", "center": [1, 1], "rotation": 0}]
    )
    removed = await api.call("DELETE", path)

    assert len(seeded) == 40
    assert set(added[0]) == {"id", "type", "center", "rotation", "scale"}
    assert added[0]["id"].startswith("fixture_")
    assert updated == {**added[0], "rotation": 180}
    assert (missing_scale.status, missing_scale.body) == (400, INVALID)
    assert removed.status == 204
    assert (await api.call("GET", path)).status == 404


async def test_fixture_types_are_the_documented_ten(api: ButlrApi) -> None:
    page = await api.ok("GET", "/api/v2/fixture-types")

    assert [t["key"] for t in page["data"]] == [
        "wall",
        "chair",
        "door",
        "table",
        "sofa",
        "box",
        "roundtable",
        "sink",
        "toilet",
        "bed",
    ]
