"""Occupancy from v3 reporting (one call for many rooms) and per-sensor detections."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from itertools import pairwise

import pytest

from connectors.butlr import ButlrClient, Space
from connectors.errors import VendorRejectedError
from tests.conftest import RunningSandbox
from tests.connectors.butlr.conftest import (
    REPORTING,
    faults,
    reset_counters,
    route_count,
    scenario,
)


async def sandbox_now(sandbox: RunningSandbox) -> datetime:
    clock = await sandbox.control("GET", "/clock")
    return datetime.fromtimestamp(clock["time"], UTC)


def roomy(space: Space, count: int) -> list[str]:
    return [r.id for r in space.rooms if r.capacity >= count]


async def test_current_occupancy_of_many_rooms_is_one_reporting_call(
    client: ButlrClient, space: Space, sandbox: RunningSandbox
) -> None:
    first, second = roomy(space, 7)[:2]
    await scenario(sandbox, "occupancy", room_id=first, count=7)
    await scenario(sandbox, "occupancy", room_id=second, count=0)
    await reset_counters(sandbox)

    current = await client.get_current_occupancy(room_ids=[first, second])

    assert set(current) == {first, second}
    assert (current[first].count, current[second].count) == (7, 0)
    now = await sandbox_now(sandbox)
    assert timedelta(0) <= now - current[first].sampled_at < timedelta(minutes=1)
    assert await route_count(sandbox, REPORTING) == 1


async def test_current_occupancy_of_a_space_covers_each_of_its_rooms(
    client: ButlrClient, space: Space, sandbox: RunningSandbox
) -> None:
    await reset_counters(sandbox)

    current = await client.get_current_occupancy(space_ids=[space.id])

    assert set(current) == {r.id for r in space.rooms}
    assert all(o.count >= 0 for o in current.values())
    assert await route_count(sandbox, REPORTING) == 1


async def test_current_occupancy_of_no_rooms_asks_nothing(
    client: ButlrClient, sandbox: RunningSandbox
) -> None:
    assert await client.get_current_occupancy(room_ids=[]) == {}
    assert await route_count(sandbox, REPORTING) == 0


async def test_history_is_a_series_per_room_and_per_space(
    client: ButlrClient, space: Space, sandbox: RunningSandbox
) -> None:
    now = await sandbox_now(sandbox)
    rooms = [r.id for r in space.rooms]

    per_room = await client.get_occupancy_history(
        room_ids=rooms, start=now - timedelta(hours=1), stop=now, every="15m", function="last"
    )
    per_space = await client.get_occupancy_history(
        space_ids=[space.id],
        start=now - timedelta(hours=1),
        stop=now,
        every=timedelta(minutes=15),
        function="last",
        per="space",
    )

    assert set(per_room) == set(rooms)
    series = per_space[space.id]
    assert 4 <= len(series) <= 5
    assert all(a.time < b.time for a, b in pairwise(series))
    # A space's count is the sum of its rooms' at the same sample.
    assert [p.value for p in series] == [
        sum(per_room[r][i].value for r in rooms) for i in range(len(series))
    ]


async def test_summary_gives_the_documented_statistics(client: ButlrClient, space: Space) -> None:
    room = space.rooms[0].id

    summaries = await client.get_occupancy_summary(
        room_ids=[room], start=timedelta(hours=2), every=timedelta(minutes=10), function="mean"
    )

    stats = summaries[room]
    assert stats.count in (12, 13)  # windows, the first or last one cut by the range
    assert stats.min <= stats.median <= stats.max
    assert stats.min <= stats.mean <= stats.max
    assert stats.stddev >= 0


async def test_detections_of_a_room_add_up_to_its_occupancy(
    client: ButlrClient, space: Space, sandbox: RunningSandbox
) -> None:
    room = roomy(space, 5)[0]
    await scenario(sandbox, "occupancy", room_id=room, count=5)
    macs = {s.mac_address for s in space.sensors if s.room_id == room and s.collects_data}

    detections = await client.get_detections(
        start=timedelta(minutes=1), room_id=room, data_types=["detections_local", "heatmap"]
    )

    local = [d for d in detections if d.data_type == "detections_local"]
    latest = max(d.start_time for d in local)
    assert sum(d.people for d in local if d.start_time == latest) == 5
    assert {d.mac_address for d in local} == macs
    assert all(len(point) == 2 for d in local for point in d.value)
    assert {d.data_type for d in detections} == {"detections_local", "heatmap"}


async def test_detections_select_sensors_by_mac_in_any_form(
    client: ButlrClient, space: Space
) -> None:
    sensor = next(s for s in space.sensors if s.collects_data)

    detections = await client.get_detections(
        start=timedelta(minutes=3),
        mac_addresses=[sensor.mac_address.upper()],
        every=timedelta(minutes=1),
        function="max",
    )

    assert detections
    assert {d.mac_address for d in detections} == {sensor.mac_address}


async def test_a_reporting_query_is_a_read_and_is_retried_on_503(
    client: ButlrClient, space: Space, sandbox: RunningSandbox
) -> None:
    await faults(sandbox, fail_next=1, error_status=503, path_contains="/api/v3/reporting")
    await reset_counters(sandbox)

    current = await client.get_current_occupancy(room_ids=[space.rooms[0].id])

    assert space.rooms[0].id in current
    assert await route_count(sandbox, REPORTING) == 2


async def test_bad_time_arguments_are_refused_before_any_call(
    client: ButlrClient, space: Space, sandbox: RunningSandbox
) -> None:
    await reset_counters(sandbox)
    with pytest.raises(ValueError, match="timezone-aware"):
        await client.get_occupancy_history(space_ids=[space.id], start=datetime(2025, 1, 1))
    with pytest.raises(ValueError, match="function"):
        await client.get_occupancy_summary(
            space_ids=[space.id], start=timedelta(hours=1), function="p95"
        )
    with pytest.raises(ValueError, match="every"):
        await client.get_occupancy_history(
            space_ids=[space.id], start=timedelta(hours=1), every=timedelta(0)
        )
    assert (await sandbox.counters("butlr"))["total"] == 0


async def test_an_unknown_room_makes_the_vendor_refuse_the_whole_query(
    client: ButlrClient, space: Space
) -> None:
    with pytest.raises(VendorRejectedError) as caught:
        await client.get_current_occupancy(room_ids=[space.rooms[0].id, "room_gone"])
    assert caught.value.status == 400
