"""The occupancy model: scenario overrides, clock jumps, and reproducibility across sandboxes."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import aiohttp

from concierge.sandbox.dataset import DatasetSpec
from tests.conftest import RunningSandbox
from tests.sandbox.butlr.conftest import ButlrApi, another_sandbox, iso, minute_now, world_ids

SERIES = {"order": ["room_id", "field", "time"]}
EVERY_MINUTE = {"every": "1m", "function": "last"}


async def current(api: ButlrApi, room_ids: list[str]) -> dict[str, int]:
    return {room: value for room, (_, value) in (await latest(api, room_ids)).items()}


async def latest(api: ButlrApi, room_ids: list[str]) -> dict[str, tuple[str, int]]:
    """Each room's latest sample: (time, count)."""
    report = await api.report(
        {"filter": {"start": "-1m", "rooms": room_ids}, "window": EVERY_MINUTE, "group_by": SERIES}
    )
    return {
        room: (fields["occupancy"][-1]["time"], fields["occupancy"][-1]["value"])
        for room, fields in report["data"].items()
    }


def epoch_minute(text: str) -> int:
    return int(datetime.fromisoformat(text).timestamp() // 60)


async def history(api: ButlrApi, start_min: int, stop_min: int) -> dict[str, Any]:
    report: dict[str, Any] = await api.report(
        {
            "filter": {"start": iso(start_min * 60), "stop": iso(stop_min * 60)},
            "window": EVERY_MINUTE,
            "group_by": SERIES,
        }
    )
    return report


async def test_occupancy_scenario_shows_in_the_next_report(
    api: ButlrApi, sandbox: RunningSandbox
) -> None:
    room = (await world_ids(api))["room"]

    result = await sandbox.control(
        "POST", "/scenarios/butlr/occupancy", json={"room_id": room["id"], "count": 7}
    )

    assert result["count"] == 7
    assert result["until"] is None
    assert await current(api, [room["id"]]) == {room["id"]: 7}


async def test_occupancy_scenario_is_bounded_by_room_capacity(
    api: ButlrApi, sandbox: RunningSandbox
) -> None:
    room = (await world_ids(api))["room"]

    result = await sandbox.control(
        "POST", "/scenarios/butlr/occupancy", json={"room_id": room["id"], "count": 500}
    )

    assert (result["requested"], result["count"]) == (500, room["capacity"])
    assert await current(api, [room["id"]]) == {room["id"]: room["capacity"]}


async def test_override_with_duration_returns_to_the_curve(
    api: ButlrApi, sandbox: RunningSandbox, http: aiohttp.ClientSession
) -> None:
    room = (await world_ids(api))["room"]
    result = await sandbox.control(
        "POST",
        "/scenarios/butlr/occupancy",
        json={"room_id": room["id"], "count": 33, "duration_s": 120},
    )
    start = epoch_minute(result["since"])

    await sandbox.control("POST", "/clock/advance", json={"seconds": 600})
    overridden = await history(api, start, start + 2)
    after = await history(api, start + 4, start + 9)

    assert [p["value"] for p in overridden["data"][room["id"]]["occupancy"]] == [33, 33]
    async with another_sandbox(http) as (twin_box, twin):
        await twin_box.control("POST", "/clock/advance", json={"seconds": 600})
        untouched = await history(twin, start + 4, start + 9)
    assert after["data"][room["id"]] == untouched["data"][room["id"]]


async def test_a_timed_override_replaces_an_open_one_and_then_ends_on_the_curve(
    api: ButlrApi, sandbox: RunningSandbox, http: aiohttp.ClientSession
) -> None:
    room = (await world_ids(api))["room"]
    await sandbox.control(
        "POST", "/scenarios/butlr/occupancy", json={"room_id": room["id"], "count": 21}
    )
    timed = await sandbox.control(
        "POST",
        "/scenarios/butlr/occupancy",
        json={"room_id": room["id"], "count": 2, "duration_s": 60},
    )
    start = epoch_minute(timed["since"])

    await sandbox.control("POST", "/clock/advance", json={"seconds": 300})
    after = await history(api, start + 2, start + 4)
    state = await sandbox.control("GET", "/vendors/butlr")

    assert state["occupancy_overrides"] == []
    async with another_sandbox(http) as (twin_box, twin):
        await twin_box.control("POST", "/clock/advance", json={"seconds": 300})
        untouched = await history(twin, start + 2, start + 4)
    assert after["data"][room["id"]] == untouched["data"][room["id"]]


async def test_occupancy_reset_puts_every_room_back_on_its_curve(
    api: ButlrApi, sandbox: RunningSandbox
) -> None:
    room = (await world_ids(api))["room"]
    await sandbox.control(
        "POST", "/scenarios/butlr/occupancy", json={"room_id": room["id"], "count": 0}
    )

    reset = await sandbox.control("POST", "/scenarios/butlr/occupancy_reset", json={})
    state = await sandbox.control("GET", "/vendors/butlr")

    assert reset == {"cleared": 1}
    assert state["occupancy_overrides"] == []


async def test_clock_advance_moves_along_a_reproducible_curve(
    api: ButlrApi, sandbox: RunningSandbox, http: aiohttp.ClientSession
) -> None:
    rooms = [r["id"] for r in (await world_ids(api))["space"]["rooms"]]
    before_min = await minute_now(sandbox)
    before = await current(api, rooms)
    past = await history(api, before_min - 20, before_min - 10)

    await sandbox.control("POST", "/clock/advance", json={"seconds": 6 * 3600})
    samples = await latest(api, rooms)
    after = {room: value for room, (_, value) in samples.items()}
    (after_min,) = {epoch_minute(time) for time, _ in samples.values()}

    assert after != before
    assert await history(api, before_min - 20, before_min - 10) == past  # history is stable
    async with another_sandbox(http) as (twin_box, twin):
        await twin_box.control("POST", "/clock/advance", json={"seconds": 6 * 3600 + 120})
        replay = await history(twin, after_min, after_min + 1)
    assert {
        room: fields["occupancy"][0]["value"]
        for room, fields in replay["data"].items()
        if room in after
    } == after


async def test_another_seed_gives_another_curve(
    api: ButlrApi, sandbox: RunningSandbox, http: aiohttp.ClientSession
) -> None:
    minute = await minute_now(sandbox)
    ours = await api.report(
        {
            "filter": {"start": iso((minute - 60) * 60), "stop": iso((minute - 1) * 60)},
            "window": {"every": "1m", "function": "last"},
            "group_by": {"order": ["field", "time"]},
        }
    )

    async with another_sandbox(http, DatasetSpec(seed=7)) as (_, other):
        theirs = await other.report(
            {
                "filter": {"start": iso((minute - 60) * 60), "stop": iso((minute - 1) * 60)},
                "window": {"every": "1m", "function": "last"},
                "group_by": {"order": ["field", "time"]},
            }
        )

    assert ours != theirs
    assert len(ours["data"]["occupancy"]) == len(theirs["data"]["occupancy"]) == 59


async def test_bad_scenario_parameters_are_rejected(api: ButlrApi, sandbox: RunningSandbox) -> None:
    room_id = (await world_ids(api))["room"]["id"]
    url = f"{sandbox.control_url}/scenarios/butlr/occupancy"

    for params in (
        {"room_id": "room_missing", "count": 1},
        {"room_id": room_id, "count": -1},
        {"room_id": room_id, "count": 2, "duration_s": "soon"},
    ):
        async with sandbox.http.post(url, json=params) as response:
            assert response.status == 400, params
