"""Cursor pagination: `?cursor=` from `next`/`prev`, `?limit=`, empty string at the ends."""

from __future__ import annotations

from tests.sandbox.butlr.conftest import INVALID, ButlrApi


async def test_walking_next_cursors_visits_all_120_sensors_once(api: ButlrApi) -> None:
    first = await api.ok("GET", "/api/v2/sensors")
    second = await api.ok("GET", f"/api/v2/sensors?cursor={first['next']}")
    third = await api.ok("GET", f"/api/v2/sensors?cursor={second['next']}")

    assert [len(p["data"]) for p in (first, second, third)] == [50, 50, 20]
    assert first["prev"] == ""
    assert third["next"] == ""
    ids = [s["id"] for p in (first, second, third) for s in p["data"]]
    assert len(ids) == len(set(ids)) == 120


async def test_limit_is_kept_by_the_cursor_and_prev_walks_back(api: ButlrApi) -> None:
    first = await api.ok("GET", "/api/v2/sensors?limit=7&details=true")
    second = await api.ok("GET", f"/api/v2/sensors?cursor={first['next']}")
    back = await api.ok("GET", f"/api/v2/sensors?cursor={second['prev']}")

    assert len(second["data"]) == 7
    assert [s["id"] for s in back["data"]] == [s["id"] for s in first["data"]]
    assert "remainingBatteryPercent" in first["data"][0]
    assert "remainingBatteryPercent" not in back["data"][0]
    assert back["prev"] == ""
    assert len(await api.walk("/api/v2/sensors?limit=100")) == 120


async def test_last_page_prev_cursor_returns_the_page_before(api: ButlrApi) -> None:
    pages = [await api.ok("GET", "/api/v2/hives?limit=4")]
    pages.append(await api.ok("GET", f"/api/v2/hives?cursor={pages[0]['next']}"))
    back = await api.ok("GET", f"/api/v2/hives?cursor={pages[1]['prev']}")

    assert [len(p["data"]) for p in pages] == [4, 2]
    assert back["data"] == pages[0]["data"]


async def test_invalid_or_foreign_cursor_is_invalid_request(api: ButlrApi) -> None:
    hives_cursor = (await api.ok("GET", "/api/v2/hives?limit=1"))["next"]

    for cursor in ("garbage", "eyJrIjoic2Vuc29ycyJ9", hives_cursor):
        reply = await api.call("GET", f"/api/v2/sensors?cursor={cursor}")
        assert (reply.status, reply.body) == (400, INVALID), cursor


async def test_records_created_during_a_walk_appear_on_a_later_page(api: ButlrApi) -> None:
    first = await api.ok("GET", "/api/v2/spaces?limit=2")
    created = await api.ok("POST", "/api/v2/spaces", status=201, json={"name": "Annex"})
    rest = await api.ok("GET", f"/api/v2/spaces?cursor={first['next']}")

    assert [s["id"] for s in rest["data"]][-1] == created["id"]
    assert len(first["data"]) + len(rest["data"]) == 4


async def test_a_cursor_survives_deletion_of_the_record_it_points_after(api: ButlrApi) -> None:
    space_id = (await api.ok("GET", "/api/v2/spaces"))["data"][0]["id"]
    zones_path = f"/api/v2/spaces/{space_id}/zones"
    first = await api.ok("GET", f"{zones_path}?limit=2")

    await api.ok("DELETE", f"{zones_path}/{first['data'][1]['id']}", status=204)
    second = await api.ok("GET", f"{zones_path}?cursor={first['next']}")
    twice = await api.call("GET", f"{zones_path}?cursor={first['next']}&cursor={first['next']}")

    assert len(second["data"]) == 2
    assert second["data"][0]["id"] not in {z["id"] for z in first["data"]}
    assert second["next"] != ""
    assert (twice.status, twice.body) == (400, INVALID)
