"""Collections: pagination, sorting and the id/type/attribute filters, with their edges."""

from __future__ import annotations

import itertools

import pytest

from concierge.sandbox.dataset import DatasetSpec
from tests.sandbox.remotelock.conftest import RemoteLock


async def test_meta_reports_page_counts(rl: RemoteLock) -> None:
    reply = await rl.get("/devices")
    assert reply.body["meta"] == {"page": 1, "per_page": 25, "total_pages": 6, "total_count": 150}
    assert len(reply.data) == 25


async def test_per_page_50_is_allowed_and_51_is_rejected(rl: RemoteLock) -> None:
    ok = await rl.get("/devices?per_page=50")
    assert ok.status == 200
    assert len(ok.data) == 50
    assert ok.body["meta"]["total_pages"] == 3
    refused = await rl.get("/devices?per_page=51")
    assert refused.status == 400
    assert refused.body["type"] == "invalid_parameter"


@pytest.mark.parametrize(
    "query", ["page=0", "per_page=0", "page=x", "per_page=-1", "page=201&per_page=50"]
)
async def test_out_of_range_paging_is_rejected(rl: RemoteLock, query: str) -> None:
    reply = await rl.get(f"/devices?{query}")
    assert reply.status == 400
    assert set(reply.body) == {"message", "type"}


async def test_page_past_the_last_is_empty(rl: RemoteLock) -> None:
    reply = await rl.get("/devices?per_page=50&page=4")
    assert reply.status == 200
    assert reply.data == []
    assert reply.body["meta"] == {"page": 4, "per_page": 50, "total_pages": 3, "total_count": 150}


async def test_walking_every_page_visits_all_150_locks_once(rl: RemoteLock) -> None:
    seen: list[str] = []
    page = 1
    while True:
        reply = await rl.get(f"/devices?type=lock&per_page=40&page={page}")
        seen += [d["id"] for d in reply.data]
        if page >= reply.body["meta"]["total_pages"]:
            break
        page += 1
    assert page == 4
    assert len(seen) == 150
    assert len(set(seen)) == 150


async def test_default_sorts_follow_the_reference(rl: RemoteLock) -> None:
    names = [r["attributes"]["name"] for r in (await rl.get("/locations")).data]
    assert names == sorted(names)  # locations: name ascending
    events = (await rl.get("/events?per_page=50")).data
    occurred = [e["attributes"]["occurred_at"] for e in events]
    assert occurred == sorted(occurred, reverse=True)  # events: occurred_at descending
    created = [d["attributes"]["created_at"] for d in (await rl.get("/devices?per_page=50")).data]
    assert created == sorted(created)  # devices: created_at ascending


async def test_sort_descending_and_multiple_keys(rl: RemoteLock) -> None:
    names = [
        d["attributes"]["name"] for d in (await rl.get("/devices?sort=-name&per_page=50")).data
    ]
    assert names == sorted(names, key=str.casefold, reverse=True)
    reply = await rl.get("/access_persons?sort[]=name&sort[]=-created_at&per_page=50")
    rows = [(p["attributes"]["name"].casefold(), p["attributes"]["created_at"]) for p in reply.data]
    for (name_a, created_a), (name_b, created_b) in itertools.pairwise(rows):
        assert name_a <= name_b
        if name_a == name_b:
            assert created_a >= created_b


async def test_unknown_sort_attribute_is_rejected(rl: RemoteLock) -> None:
    reply = await rl.get("/devices?sort=serial_number")
    assert reply.status == 400
    assert "serial_number" in reply.body["message"]


async def test_id_filter_returns_only_those_ids(rl: RemoteLock) -> None:
    some = [d["id"] for d in (await rl.get("/devices?per_page=5")).data][:3]
    reply = await rl.get("/devices?" + "&".join(f"id[]={i}" for i in some[:2]))
    assert sorted(d["id"] for d in reply.data) == sorted(some[:2])
    assert reply.body["meta"]["total_count"] == 2


@pytest.mark.parametrize(
    "query",
    ["type=lock", "type=Lock", "type[]=lock&type[]=power_plug", "type[]=ACS::Door&type[]=Lock"],
)
async def test_type_filter_accepts_snake_case_and_class_names(rl: RemoteLock, query: str) -> None:
    reply = await rl.get(f"/devices?{query}")
    assert reply.status == 200
    assert reply.body["meta"]["total_count"] == 150


async def test_type_filter_excludes_other_types(rl: RemoteLock) -> None:
    reply = await rl.get("/devices?type=thermostat")
    assert reply.body["meta"]["total_count"] == 0
    guests = await rl.get("/access_persons?type=access_guest&per_page=50")
    assert guests.data
    assert {p["type"] for p in guests.data} == {"access_guest"}


async def test_unknown_type_is_rejected(rl: RemoteLock) -> None:
    reply = await rl.get("/devices?type=toaster")
    assert reply.status == 400


async def test_attribute_filter_by_location(rl: RemoteLock) -> None:
    location = (await rl.get("/locations")).data[0]["id"]
    reply = await rl.get(f"/devices?attributes[location_id]={location}&per_page=50")
    assert reply.body["meta"]["total_count"] == 50
    assert {d["attributes"]["location_id"] for d in reply.data} == {location}


async def test_unknown_attribute_filter_is_rejected(rl: RemoteLock) -> None:
    reply = await rl.get("/devices?attributes[colour]=red")
    assert reply.status == 400
    assert "colour" in reply.body["message"]


async def test_event_type_filter_takes_names_with_or_without_suffix(rl: RemoteLock) -> None:
    plain = await rl.get("/events?type=access_denied")
    suffixed = await rl.get("/events?type=access_denied_event")
    assert plain.body["meta"] == suffixed.body["meta"]
    assert plain.body["meta"]["total_count"] > 0
    assert {e["type"] for e in plain.data} == {"access_denied_event"}


async def test_seeded_history_paginates(rl: RemoteLock) -> None:
    events = await rl.get("/events?per_page=50")
    assert events.body["meta"]["total_count"] >= 300
    persons = await rl.get("/access_persons")
    assert persons.body["meta"]["total_count"] > 25


class TestSmallWorld:
    @pytest.fixture
    def dataset_spec(self) -> DatasetSpec:
        return DatasetSpec(units_per_building=(4,), access_points=4, rooms_per_space=2)

    async def test_small_world_has_one_location_and_two_locks(self, rl: RemoteLock) -> None:
        assert (await rl.get("/locations")).body["meta"]["total_count"] == 1
        assert (await rl.get("/devices")).body["meta"]["total_count"] == 2
