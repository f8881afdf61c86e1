"""The site map: which vendor objects are the same place, and which lock is whose door."""

from __future__ import annotations

import pytest

from concierge.resolvers.sitemap import SiteMap, SiteMapError
from concierge.sandbox.dataset import build_world


def test_unmapped_objects_are_simply_absent() -> None:
    site = SiteMap.from_dict({})
    assert site.building("1") is None
    assert site.locks_for_unit("1") == []
    assert site.room("room_x") is None


def test_the_demo_world_joins_every_vendor_of_a_building() -> None:
    world = build_world()
    site = SiteMap.from_dict(world.site_map())
    for building in world.buildings:
        entry = site.building(str(building.bmx_id))
        assert entry is not None
        assert building.rl_location_id in entry.remotelock_location_ids
        assert site.building_for_space(building.butlr_space_id) == str(building.bmx_id)


def test_a_lock_is_found_by_its_vendor_id_and_by_its_unit() -> None:
    site = SiteMap.from_dict(
        {
            "locks": [
                {"vendor": "remotelock", "vendor_id": "rl-1", "butterflymx_unit_id": "10"},
                {"vendor": "butterflymx", "vendor_id": "77", "butterflymx_unit_id": "10"},
            ]
        }
    )
    assert [lock.vendor_id for lock in site.locks_for_unit("10")] == ["rl-1", "77"]
    found = site.lock("butterflymx", "77")
    assert found is not None
    assert found.unit_id == "10"
    assert site.lock("remotelock", "77") is None  # IDs are per vendor


def test_a_room_without_a_building_falls_back_to_its_space() -> None:
    site = SiteMap.from_dict(
        {
            "buildings": [{"butterflymx_building_id": "5", "butlr_space_ids": ["space_a"]}],
            "rooms": [{"butlr_room_id": "room_1", "butlr_space_id": "space_a"}],
        }
    )
    room = site.room("room_1")
    assert room is not None
    assert room.building_id is None
    assert site.building_for_space("space_a") == "5"


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"buildings": [{"name": "x"}]}, "butterflymx_building_id"),
        ({"locks": [{"vendor": "acme", "vendor_id": "1", "butterflymx_unit_id": "2"}]}, "acme"),
        ({"rooms": [{}]}, "butlr_room_id"),
        ({"buildings": "nope"}, "malformed"),
    ],
)
def test_a_malformed_map_is_refused_with_the_entry_named(data: object, message: str) -> None:
    with pytest.raises(SiteMapError, match=message):
        SiteMap.from_dict(data)  # type: ignore[arg-type]
