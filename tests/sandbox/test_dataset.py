"""The demo world is deterministic, big enough, and joins the vendors consistently."""

from concierge.sandbox.dataset import DatasetSpec, build_world


def test_default_world_meets_the_demo_minimums() -> None:
    world = build_world()
    assert len(world.buildings) >= 3
    assert len(world.units) >= 300
    assert len(world.tenancies) >= 600
    assert len(world.access_points) >= 40
    assert len(world.spaces) == 3
    assert len(world.rooms) == 60
    assert len(world.sensors) == 120
    vendors = {lock.vendor for lock in world.locks}
    assert vendors == {"butterflymx", "remotelock"}
    assert sorted(lock.unit for lock in world.locks) == sorted(u.bmx_id for u in world.units)


def test_same_seed_same_world_other_seed_other_ids() -> None:
    assert (
        build_world(DatasetSpec(seed=7)).site_map() == build_world(DatasetSpec(seed=7)).site_map()
    )
    first = build_world(DatasetSpec(seed=7)).site_map()
    other = build_world(DatasetSpec(seed=8)).site_map()
    assert first["locks"] != other["locks"]


def test_site_map_joins_every_building_to_a_location_and_a_space() -> None:
    world = build_world()
    site = world.site_map()
    assert [b["butterflymx_building_id"] for b in site["buildings"]] == [
        str(b.bmx_id) for b in world.buildings
    ]
    for entry, building in zip(site["buildings"], world.buildings, strict=True):
        assert entry["remotelock_location_ids"] == [building.rl_location_id]
        assert entry["butlr_space_ids"] == [building.butlr_space_id]
    room_buildings = {r["butterflymx_building_id"] for r in site["rooms"]}
    assert room_buildings == {str(b.bmx_id) for b in world.buildings}


def test_building_sizes_follow_the_spec() -> None:
    world = build_world(DatasetSpec(units_per_building=(10, 100, 300)))
    counts = [b["unit_count"] for b in world.site_map()["buildings"]]
    assert counts == [10, 100, 300]
    labels = [u.label for u in world.units if u.building == world.buildings[0].bmx_id]
    assert len(set(labels)) == 10
