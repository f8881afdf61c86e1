"""`POST /api/v3/reporting`: statistics, time series, grouping, and its validation."""

from __future__ import annotations

import statistics
from typing import Any

import pytest

from tests.conftest import RunningSandbox
from tests.sandbox.butlr.conftest import INVALID, ButlrApi, iso, minute_now, world_ids

STATS_KEYS = {"sum", "min", "max", "count", "mean", "median", "stddev"}


async def test_documented_example_request_answers_statistics_per_space(api: ButlrApi) -> None:
    body = {
        "group_by": {"order": ["space_id", "field"]},
        "window": {"every": "5m", "function": "max"},
        "filter": {"start": "-1d"},
    }

    report = await api.report(body)

    spaces = [s["id"] for s in (await api.ok("GET", "/api/v2/spaces"))["data"]]
    assert set(report) == {"data"}
    assert set(report["data"]) == set(spaces)
    stats = report["data"][spaces[0]]["occupancy"]
    assert set(stats) == STATS_KEYS
    assert stats["count"] in (288, 289)  # 5-minute windows over a day (+ a cut one)
    assert stats["min"] <= stats["median"] <= stats["max"]


async def test_without_group_by_answers_the_documented_flat_shape(api: ButlrApi) -> None:
    report = await api.report(
        {"filter": {"start": "-30m"}, "window": {"every": "5m", "function": "mean"}}
    )

    assert set(report["data"]) == {"occupancy"}
    assert set(report["data"]["occupancy"]) == STATS_KEYS


@pytest.mark.parametrize("function", ["max", "min", "mean", "sum", "count", "median", "last"])
async def test_summary_statistics_match_the_time_series_of_the_same_window(
    api: ButlrApi, sandbox: RunningSandbox, function: str
) -> None:
    room_id = (await world_ids(api))["room"]["id"]
    minute = await minute_now(sandbox)
    filt = {"start": iso((minute - 180) * 60), "stop": iso((minute - 1) * 60), "rooms": [room_id]}
    window = {"every": "15m", "function": function}

    series = await api.report(
        {"filter": filt, "window": window, "group_by": {"order": ["room_id", "field", "time"]}}
    )
    stats = await api.report(
        {"filter": filt, "window": window, "group_by": {"order": ["room_id", "field"]}}
    )

    values = [p["value"] for p in series["data"][room_id]["occupancy"]]
    summary = stats["data"][room_id]["occupancy"]
    assert summary["count"] == len(values) >= 12
    assert summary["sum"] == pytest.approx(sum(values))
    assert (summary["min"], summary["max"]) == (min(values), max(values))
    assert summary["mean"] == pytest.approx(statistics.fmean(values))
    assert summary["median"] == pytest.approx(statistics.median(values))
    assert summary["stddev"] == pytest.approx(statistics.stdev(values))


async def test_one_call_gives_current_occupancy_of_many_rooms_with_sample_time(
    api: ButlrApi, sandbox: RunningSandbox
) -> None:
    space = (await world_ids(api))["space"]
    before = await minute_now(sandbox)

    report = await api.report(
        {
            "filter": {"start": "-5m", "spaces": [space["id"]]},
            "window": {"every": "5m", "function": "last"},
            "group_by": {"order": ["room_id", "field", "time"]},
        }
    )
    after = await minute_now(sandbox)

    assert set(report["data"]) == {r["id"] for r in space["rooms"]}
    capacities = {r["id"]: r["capacity"] for r in space["rooms"]}
    for room_id, fields in report["data"].items():
        latest = fields["occupancy"][-1]
        assert latest["time"] in {iso(before * 60), iso(after * 60)}
        assert 0 <= latest["value"] <= capacities[room_id]


async def test_space_series_is_the_sum_of_its_rooms(api: ButlrApi, sandbox: RunningSandbox) -> None:
    space = (await world_ids(api))["space"]
    minute = await minute_now(sandbox)
    filt = {
        "start": iso((minute - 30) * 60),
        "stop": iso((minute - 1) * 60),
        "spaces": {"eq": [space["id"]]},
    }
    window = {"every": "1m", "function": "last"}

    by_room = await api.report(
        {"filter": filt, "window": window, "group_by": {"order": ["room_id", "field", "time"]}}
    )
    by_space = await api.report(
        {"filter": filt, "window": window, "group_by": {"order": ["space_id", "field", "time"]}}
    )

    totals = [
        sum(points)
        for points in zip(
            *([p["value"] for p in fields["occupancy"]] for fields in by_room["data"].values()),
            strict=True,
        )
    ]
    assert [p["value"] for p in by_space["data"][space["id"]]["occupancy"]] == totals
    assert len(totals) == 29


async def test_occupancy_over_a_week_never_exceeds_capacity(api: ButlrApi) -> None:
    space = (await world_ids(api))["space"]

    report = await api.report(
        {
            "filter": {"start": "-7d", "spaces": [space["id"]]},
            "window": {"every": "1h", "function": "max"},
            "group_by": {"order": ["room_id", "field"]},
        }
    )

    for room in space["rooms"]:
        stats = report["data"][room["id"]]["occupancy"]
        assert stats["min"] >= 0
        assert stats["max"] <= room["capacity"]
        assert stats["max"] > 0


async def test_daily_curve_is_busy_in_the_evening_and_quiet_at_night(api: ButlrApi) -> None:
    space = (await world_ids(api))["space"]  # Boston: America/New_York

    report = await api.report(
        {
            "filter": {"start": "-7d", "spaces": [space["id"]]},
            "window": {"every": "1h", "function": "mean"},
            "group_by": {"order": ["space_id", "field", "time"]},
        }
    )

    by_utc_hour: dict[int, list[float]] = {}
    for point in report["data"][space["id"]]["occupancy"]:
        by_utc_hour.setdefault(int(point["time"][11:13]), []).append(point["value"])
    night = statistics.fmean(by_utc_hour[8])  # 03:00-04:00 in Boston (EST)
    evening = statistics.fmean(by_utc_hour[23])  # 18:00-19:00 in Boston
    assert evening > 4 * night


def _body(**changes: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "filter": {"start": "-1h"},
        "window": {"every": "5m", "function": "max"},
        "group_by": {"order": ["field"]},
    }
    for key, value in changes.items():
        section, _, field = key.partition("__")
        if field:
            body[section] = {**body[section], field: value}
        else:
            body[section] = value
    return body


@pytest.mark.parametrize(
    ("body", "reason"),
    [
        (_body(window__every="2h"), "window larger than the range"),
        (_body(window__function="p95"), "unknown function"),
        (_body(window__every="5 minutes"), "bad duration"),
        (_body(window__every="90s"), "window not whole minutes"),
        (_body(filter__start="yesterday"), "bad start"),
        (_body(filter__start="2020-01-01T00:00:00"), "start without offset"),
        (_body(filter__start="-60d"), "range too long"),
        (_body(filter__start="-30d"), "too many room-minutes"),
        (_body(filter__stop="-2h"), "stop before start"),
        (_body(filter__rooms=["room_missing"]), "unknown room"),
        (_body(filter__spaces=[]), "empty space list"),
        (_body(filter__floor="1"), "unknown filter key"),
        (_body(group_by={"order": ["time", "field"]}), "time not last"),
        (_body(group_by={"order": ["room_id"]}), "field missing"),
        (_body(group_by={"order": ["building_id", "field"]}), "unknown group key"),
        ({"window": {"every": "5m", "function": "max"}}, "filter missing"),
        (_body(limit=10), "unknown top-level key"),
    ],
)
async def test_bad_reporting_requests_are_invalid(
    api: ButlrApi, body: dict[str, Any], reason: str
) -> None:
    reply = await api.call("POST", "/api/v3/reporting", json=body)

    assert (reply.status, reply.body) == (400, INVALID), reason


async def test_reporting_needs_a_token(api: ButlrApi) -> None:
    reply = await api.call("POST", "/api/v3/reporting", json=_body(), token="")

    assert reply.status == 401
