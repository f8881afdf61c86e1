"""Sensors (by id or MAC) and hives (by id or serial): lists, details, updates, deactivation."""

from __future__ import annotations

import pytest

from tests.conftest import RunningSandbox
from tests.sandbox.butlr.conftest import INVALID, NOT_FOUND, ButlrApi

SENSOR_DETAIL_KEYS = {
    "id",
    "mac_address",
    "name",
    "mode",
    "isEntrance",
    "hive",
    "space",
    "room",
    "orientation",
    "height",
    "center",
    "coordinates",
    "gateway",
    "activeHours",
    "door_line",
    "sensitivity",
    "parallel_to_door",
    "in_direction",
    "remainingBatteryPercent",
    "remainingBatteryDays",
    "isBatteryLow",
    "lastBatteryChange",
    "last_heartbeat",
}


async def first_sensor(api: ButlrApi) -> dict[str, object]:
    sensor: dict[str, object] = (await api.ok("GET", "/api/v2/sensors?limit=1"))["data"][0]
    return sensor


async def test_sensor_details_has_documented_fields_and_battery(
    api: ButlrApi, sandbox: RunningSandbox
) -> None:
    sensor = await first_sensor(api)

    details = await api.ok("GET", f"/api/v2/sensors/{sensor['id']}")

    assert set(details) == SENSOR_DETAIL_KEYS
    assert details["center"] == details["coordinates"] == sensor["center"]
    assert details["gateway"] == {"id": "", "mac_address": ""}
    assert details["activeHours"] == [24] * 7
    assert details["space"]["name"].endswith("Amenities")
    now_ms = sandbox.sandbox.clock.time() * 1000
    assert now_ms - 300_000 <= details["last_heartbeat"] <= now_ms


@pytest.mark.parametrize(
    "spell",
    [str.lower, str.upper, lambda m: m.replace("-", ":"), lambda m: m.upper().replace("-", ":")],
)
async def test_sensor_lookup_by_mac_in_any_case_and_separator(api: ButlrApi, spell: object) -> None:
    sensor = await first_sensor(api)
    mac = spell(sensor["mac_address"])  # type: ignore[operator]

    details = await api.ok("GET", f"/api/v2/sensors/{mac}")

    assert details["id"] == sensor["id"]
    assert details["mac_address"] == sensor["mac_address"]


async def test_update_sensor_answers_data_wrapped_sensor_ref(api: ButlrApi) -> None:
    sensor = await first_sensor(api)
    path = f"/api/v2/sensors/{str(sensor['mac_address']).upper()}"

    reply = await api.ok(
        "PATCH",
        path,
        json={"name": "Front Door", "height": 3.2, "isEntrace": False, "activeHours": [12] * 7},
    )
    details = await api.ok("GET", path)
    bad_mode = await api.call("PATCH", path, json={"mode": "camera"})
    unknown = await api.call("PATCH", path, json={"colour": "red"})

    assert set(reply) == {"data"}
    assert reply["data"][0]["name"] == "Front Door"
    assert (details["height"], details["isEntrance"], details["activeHours"]) == (
        3.2,
        False,
        [12] * 7,
    )
    assert (bad_mode.status, bad_mode.body) == (400, INVALID)
    assert (unknown.status, unknown.body) == (400, INVALID)


async def test_repeater_sensors_omit_traffic_fields(api: ButlrApi) -> None:
    sensor = await first_sensor(api)

    await api.ok("PATCH", f"/api/v2/sensors/{sensor['id']}", json={"mode": "repeater"})
    details = await api.ok("GET", f"/api/v2/sensors/{sensor['id']}")

    assert details["mode"] == "repeater"
    assert not {"door_line", "sensitivity", "parallel_to_door", "in_direction"} & set(details)


async def test_deactivated_sensor_leaves_lists_and_lookups(api: ButlrApi) -> None:
    sensor = await first_sensor(api)

    reply = await api.call("DELETE", f"/api/v2/sensors/{sensor['mac_address']}")
    lookup = await api.call("GET", f"/api/v2/sensors/{sensor['id']}")
    remaining = await api.walk("/api/v2/sensors")

    assert reply.status == 204
    assert (lookup.status, lookup.body) == (404, NOT_FOUND)
    assert len(remaining) == 119
    assert sensor["id"] not in {s["id"] for s in remaining}


async def test_hive_list_and_details_by_id_or_serial(api: ButlrApi) -> None:
    page = await api.ok("GET", "/api/v2/hives")
    hive = page["data"][0]

    by_id = await api.ok("GET", f"/api/v2/hives/{hive['id']}")
    by_serial = await api.ok("GET", f"/api/v2/hives/{hive['serial_number']}")
    detailed = await api.ok("GET", "/api/v2/hives?details=true")

    assert len(page["data"]) == 6
    assert set(hive) == {"id", "serial_number", "num_sensors"}
    assert by_id == by_serial
    assert set(by_id) == {"id", "serial_number", "sensors", "gateways", "space", "mqtt"}
    assert len(by_id["sensors"]) == hive["num_sensors"] == 20
    assert by_id["mqtt"] == {"rc": 0, "topics": {}, "broker_address": "", "auth": {}}
    assert detailed["data"][0] == by_id


async def test_deactivated_hive_stops_its_sensors_and_can_be_reactivated(
    api: ButlrApi, sandbox: RunningSandbox
) -> None:
    hive = (await api.ok("GET", "/api/v2/hives"))["data"][0]
    sensor_id = (await api.ok("GET", f"/api/v2/hives/{hive['id']}"))["sensors"][0]["id"]
    space_id = (await api.ok("GET", f"/api/v2/hives/{hive['id']}"))["space"]["id"]

    assert (await api.call("DELETE", f"/api/v2/hives/{hive['serial_number']}")).status == 204
    beat = (await api.ok("GET", f"/api/v2/sensors/{sensor_id}"))["last_heartbeat"]
    await sandbox.control("POST", "/clock/advance", json={"seconds": 3600})
    later = (await api.ok("GET", f"/api/v2/sensors/{sensor_id}"))["last_heartbeat"]
    hidden = await api.call("GET", f"/api/v2/hives/{hive['id']}")
    again = await api.ok(
        "POST",
        "/api/v2/hives",
        status=201,
        json={"serial_number": hive["serial_number"], "space_id": space_id},
    )
    resumed = (await api.ok("GET", f"/api/v2/sensors/{sensor_id}"))["last_heartbeat"]

    assert later == beat
    assert hidden.status == 404
    assert again["id"] == hive["id"]
    assert resumed > beat


async def test_activate_new_hive_and_move_it(api: ButlrApi) -> None:
    spaces = (await api.ok("GET", "/api/v2/spaces"))["data"]

    hive = await api.ok(
        "POST",
        "/api/v2/hives",
        status=201,
        json={"serial_number": "65FEFE57F497D2F6", "space_id": spaces[0]["id"]},
    )
    moved = await api.ok("PATCH", f"/api/v2/hives/{hive['id']}", json={"space_id": spaces[1]["id"]})
    duplicate = await api.call(
        "POST",
        "/api/v2/hives",
        json={"serial_number": "65fefe57f497d2f6", "space_id": spaces[0]["id"]},
    )

    assert hive["id"].startswith("hive_")
    assert hive["serial_number"] == "65fefe57f497d2f6"
    assert hive["sensors"] == []
    assert moved["space"]["id"] == spaces[1]["id"]
    assert (duplicate.status, duplicate.body) == (400, INVALID)
