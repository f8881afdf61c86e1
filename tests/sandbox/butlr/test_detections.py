"""`POST /api/v3/detections`: per-sensor points, consistent with the occupancy reports."""

from __future__ import annotations

from typing import Any

import pytest

from tests.conftest import RunningSandbox
from tests.sandbox.butlr.conftest import INVALID, ButlrApi, iso, minute_now, world_ids


async def detections(api: ButlrApi, **filt: Any) -> Any:
    data_types = filt.pop("data_types", ["detections_local"])
    window = filt.pop("window", {"every": "1m", "function": "last"})
    body = {"data_types": data_types, "filter": {"start": "-3m", **filt}, "window": window}
    return await api.ok("POST", "/api/v3/detections", json=body)


async def test_detections_local_entries_look_like_the_sample(
    api: ButlrApi, sandbox: RunningSandbox
) -> None:
    room = (await world_ids(api))["room"]

    result = await detections(api, room_id=room["id"])

    assert set(result) == {"detections_local"}
    entries = result["detections_local"]
    assert entries
    assert all(set(e) == {"start_time", "sample_time", "mac_address", "value"} for e in entries)
    now_ms = sandbox.sandbox.clock.time() * 1000
    for entry in entries:
        assert entry["start_time"] % 60_000 == 0
        assert 0 <= entry["sample_time"] - entry["start_time"] < 60_000
        assert entry["sample_time"] <= now_ms
        assert all(len(p) == 2 and 0 <= p[0] <= 1 and 0 <= p[1] <= 1 for p in entry["value"])


async def test_points_of_a_rooms_sensors_add_up_to_its_occupancy(
    api: ButlrApi, sandbox: RunningSandbox
) -> None:
    ids = await world_ids(api)
    room_id = ids["room"]["id"]
    minute = await minute_now(sandbox)
    start, stop = iso((minute - 10) * 60), iso((minute - 1) * 60)

    found = await api.ok(
        "POST",
        "/api/v3/detections",
        json={
            "data_types": ["detections_local"],
            "filter": {"start": start, "stop": stop, "room_id": room_id},
            "window": {"every": "1m", "function": "last"},
        },
    )
    report = await api.report(
        {
            "filter": {"start": start, "stop": stop, "rooms": [room_id]},
            "window": {"every": "1m", "function": "last"},
            "group_by": {"order": ["room_id", "field", "time"]},
        }
    )

    per_minute: dict[int, int] = {}
    for entry in found["detections_local"]:
        per_minute[entry["start_time"]] = per_minute.get(entry["start_time"], 0) + len(
            entry["value"]
        )
    expected = {
        (minute - 10 + i) * 60_000: p["value"]
        for i, p in enumerate(report["data"][room_id]["occupancy"])
    }
    assert per_minute == expected
    assert {e["mac_address"] for e in found["detections_local"]} == {
        s["mac_address"] for s in ids["sensors"]
    }


async def test_occupancy_scenario_is_seen_by_the_rooms_sensors(
    api: ButlrApi, sandbox: RunningSandbox
) -> None:
    ids = await world_ids(api)
    await sandbox.control(
        "POST", "/scenarios/butlr/occupancy", json={"room_id": ids["room"]["id"], "count": 6}
    )

    result = await detections(api, room_id=ids["room"]["id"], start="-1m")

    latest = result["detections_local"][-len(ids["sensors"]) :]
    assert [len(e["value"]) for e in latest] == [3, 3]


async def test_offline_sensor_sees_nobody_and_omit_empty_drops_it(
    api: ButlrApi, sandbox: RunningSandbox
) -> None:
    ids = await world_ids(api)
    room_id, (first, second) = ids["room"]["id"], ids["sensors"]
    await sandbox.control(
        "POST", "/scenarios/butlr/occupancy", json={"room_id": room_id, "count": 5}
    )
    await sandbox.control(
        "POST", "/scenarios/butlr/sensor_offline", json={"sensor_id": first["mac_address"]}
    )

    everything = await detections(api, room_id=room_id, start="-1m")
    non_empty = await detections(api, room_id=room_id, start="-1m", omit_empty_value=True)

    counts = {e["mac_address"]: len(e["value"]) for e in everything["detections_local"]}
    assert counts == {first["mac_address"]: 0, second["mac_address"]: 5}
    assert {e["mac_address"] for e in non_empty["detections_local"]} == {second["mac_address"]}


async def test_heatmap_and_world_points(api: ButlrApi, sandbox: RunningSandbox) -> None:
    ids = await world_ids(api)
    sensor = ids["sensors"][1]
    await sandbox.control(
        "POST", "/scenarios/butlr/occupancy", json={"room_id": ids["room"]["id"], "count": 4}
    )

    result = await detections(
        api,
        data_types=["heatmap", "detections_world"],
        start="-5m",
        mac_addresses=[sensor["mac_address"].upper()],
        window={"every": "5m", "function": "max"},
    )

    assert set(result) == {"heatmap", "detections_world"}
    grid = result["heatmap"][-1]["value"]
    assert len(grid) == 8
    assert all(len(row) == 8 for row in grid)
    assert sum(map(sum, grid)) >= 2
    x, y = sensor["center"]
    for px, py in result["detections_world"][-1]["value"]:
        assert abs(px - x) <= 2.5
        assert abs(py - y) <= 2.5


@pytest.mark.parametrize(
    ("body", "reason"),
    [
        ({"data_types": ["thermal"], "filter": {"start": "-5m"}}, "unknown data type"),
        ({"data_types": [], "filter": {"start": "-5m"}}, "no data type"),
        ({"data_types": ["detections_local"]}, "no filter"),
        ({"data_types": ["detections_local"], "filter": {"start": "-2d"}}, "range too long"),
        (
            {
                "data_types": ["detections_local"],
                "filter": {"start": "-5m", "mac_addresses": ["00-17-0d-ff-ff-ff-ff-ff"]},
            },
            "unknown mac",
        ),
        (
            {
                "data_types": ["detections_local"],
                "filter": {"start": "-5m"},
                "window": {"every": "10m", "function": "last"},
            },
            "window larger than range",
        ),
        (
            {
                "data_types": ["detections_local"],
                "filter": {"start": "-5m"},
                "window": {"every": "1m", "function": "mean"},
            },
            "not a selector",
        ),
        (
            {"data_types": ["detections_local"], "filter": {"start": "-5m", "room_id": "nope"}},
            "unknown room",
        ),
    ],
)
async def test_bad_detection_requests_are_invalid(
    api: ButlrApi, body: dict[str, Any], reason: str
) -> None:
    reply = await api.call("POST", "/api/v3/detections", json=body)

    assert (reply.status, reply.body) == (400, INVALID), reason
