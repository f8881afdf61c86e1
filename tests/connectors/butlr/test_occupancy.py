"""Occupancy from v3 reporting (one call for many rooms) and per-sensor detections."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from itertools import pairwise

import pytest

from concierge.connectors.butlr import ButlrClient, Space
from concierge.connectors.errors import VendorRejectedError
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

    current = await client.occupancy.get_current(room_ids=[first, second])

    assert set(current) == {first, second}
    assert (current[first].count, current[second].count) == (7, 0)
    now = await sandbox_now(sandbox)
    assert timedelta(0) <= now - current[first].sampled_at < timedelta(minutes=1)
    assert await route_count(sandbox, REPORTING) == 1


async def test_current_occupancy_of_a_space_covers_each_of_its_rooms(
    client: ButlrClient, space: Space, sandbox: RunningSandbox
) -> None:
    await reset_counters(sandbox)

    current = await client.occupancy.get_current(space_ids=[space.id])

    assert set(current) == {r.id for r in space.rooms}
    assert all(o.count >= 0 for o in current.values())
    assert await route_count(sandbox, REPORTING) == 1


async def test_current_occupancy_of_no_rooms_asks_nothing(
    client: ButlrClient, sandbox: RunningSandbox
) -> None:
    assert await client.occupancy.get_current(room_ids=[]) == {}
    assert await route_count(sandbox, REPORTING) == 0


async def test_history_is_a_series_per_room_and_per_space(
    client: ButlrClient, space: Space, sandbox: RunningSandbox
) -> None:
    now = await sandbox_now(sandbox)
    rooms = [r.id for r in space.rooms]

    per_room = await client.occupancy.get_history(
        room_ids=rooms, start=now - timedelta(hours=1), stop=now, every="15m", function="last"
    )
    per_space = await client.occupancy.get_history(
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


async def test_a_reporting_query_is_a_read_and_is_retried_on_503(
    client: ButlrClient, space: Space, sandbox: RunningSandbox
) -> None:
    await faults(sandbox, fail_next=1, error_status=503, path_contains="/api/v3/reporting")
    await reset_counters(sandbox)

    current = await client.occupancy.get_current(room_ids=[space.rooms[0].id])

    assert space.rooms[0].id in current
    assert await route_count(sandbox, REPORTING) == 2


async def test_bad_time_arguments_are_refused_before_any_call(
    client: ButlrClient, space: Space, sandbox: RunningSandbox
) -> None:
    await reset_counters(sandbox)
    with pytest.raises(ValueError, match="timezone-aware"):
        await client.occupancy.get_history(space_ids=[space.id], start=datetime(2025, 1, 1))
    with pytest.raises(ValueError, match="function"):
        await client.occupancy.get_history(
            space_ids=[space.id], start=timedelta(hours=1), function="p95"
        )
    with pytest.raises(ValueError, match="every"):
        await client.occupancy.get_history(
            space_ids=[space.id], start=timedelta(hours=1), every=timedelta(0)
        )
    assert (await sandbox.counters("butlr"))["total"] == 0


async def test_an_unknown_room_makes_the_vendor_refuse_the_whole_query(
    client: ButlrClient, space: Space
) -> None:
    with pytest.raises(VendorRejectedError) as caught:
        await client.occupancy.get_current(room_ids=[space.rooms[0].id, "room_gone"])
    assert caught.value.status == 400
