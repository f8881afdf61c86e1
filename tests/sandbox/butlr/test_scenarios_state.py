"""Battery and offline scenarios, the vendor state on the control API, demo-mode nudges."""

from __future__ import annotations

from concierge.sandbox.butlr import ButlrSim
from tests.conftest import RunningSandbox
from tests.sandbox.butlr.conftest import ButlrApi, world_ids


async def test_sensor_battery_scenario_raises_a_low_battery_flag(
    api: ButlrApi, sandbox: RunningSandbox
) -> None:
    sensor = (await world_ids(api))["sensors"][0]

    result = await sandbox.control(
        "POST", "/scenarios/butlr/sensor_battery", json={"sensor_id": sensor["id"], "percent": 12}
    )
    details = await api.ok("GET", f"/api/v2/sensors/{sensor['id']}")
    state = await sandbox.control("GET", "/vendors/butlr")

    assert result["isBatteryLow"] == "true"
    assert (details["remainingBatteryPercent"], details["isBatteryLow"]) == (12, "true")
    assert details["remainingBatteryDays"] == 43
    assert sensor["id"] in state["low_battery_sensors"]

    await sandbox.control(
        "POST",
        "/scenarios/butlr/sensor_battery",
        json={"sensor_id": sensor["mac_address"], "percent": 100},
    )
    assert (await api.ok("GET", f"/api/v2/sensors/{sensor['id']}"))["isBatteryLow"] == "false"


async def test_sensor_offline_freezes_heartbeat_until_back_online(
    api: ButlrApi, sandbox: RunningSandbox
) -> None:
    sensor_id = (await world_ids(api))["sensors"][0]["id"]
    path = f"/api/v2/sensors/{sensor_id}"

    await sandbox.control("POST", "/scenarios/butlr/sensor_offline", json={"sensor_id": sensor_id})
    frozen = (await api.ok("GET", path))["last_heartbeat"]
    await sandbox.control("POST", "/clock/advance", json={"seconds": 1800})
    still = (await api.ok("GET", path))["last_heartbeat"]
    state = await sandbox.control("GET", "/vendors/butlr")
    await sandbox.control(
        "POST", "/scenarios/butlr/sensor_offline", json={"sensor_id": sensor_id, "offline": False}
    )
    resumed = (await api.ok("GET", path))["last_heartbeat"]

    assert still == frozen
    assert state["offline_sensors"] == [sensor_id]
    assert resumed >= frozen + 1_500_000


async def test_vendor_state_reports_overrides_tokens_and_records(
    api: ButlrApi, sandbox: RunningSandbox
) -> None:
    room = (await world_ids(api))["room"]
    await sandbox.control(
        "POST",
        "/scenarios/butlr/occupancy",
        json={"room_id": room["id"], "count": 3, "duration_s": 600},
    )

    state = await sandbox.control("GET", "/vendors/butlr")
    scenarios = await sandbox.control("GET", "/scenarios")

    (override,) = state["occupancy_overrides"]
    assert (override["room_id"], override["count"]) == (room["id"], 3)
    assert override["until"] is not None
    assert state["tokens"]["live_access_tokens"] == 1
    assert state["records"]["sensors"] == 120
    assert state["records"]["rooms"] == 60
    assert set(scenarios["butlr"]) == {
        "occupancy",
        "occupancy_reset",
        "sensor_battery",
        "sensor_offline",
    }


async def test_ambient_ticks_only_nudge_rooms_within_capacity(
    api: ButlrApi, sandbox: RunningSandbox
) -> None:
    sim = sandbox.sandbox.vendors["butlr"]
    assert isinstance(sim, ButlrSim)
    capacities = {
        r["id"]: r["capacity"]
        for s in (await api.ok("GET", "/api/v2/spaces"))["data"]
        for r in s["rooms"]
    }

    for _ in range(40):
        await sim.ambient_tick()
    overrides = (await sandbox.control("GET", "/vendors/butlr"))["occupancy_overrides"]

    assert overrides
    assert all(0 <= o["count"] <= capacities[o["room_id"]] for o in overrides)
