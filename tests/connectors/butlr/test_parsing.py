"""Parsers, token decoding and error bodies, without the network: bad input names the field."""

from __future__ import annotations

import base64
import json
from datetime import UTC, datetime
from typing import Any

import pytest

from concierge.connectors.butlr import Hive, Room, Sensor, Space, Zone, normalise_mac
from concierge.connectors.butlr.auth import authorized_party, jwt_claims, token_set
from concierge.connectors.butlr.errors import read_error
from concierge.connectors.butlr.occupancy import parse_series
from concierge.connectors.errors import VendorProtocolError

SENSOR: dict[str, Any] = {
    "id": "sensor_1",
    "mac_address": "00-17-0d-00-00-aa-bb-cc",
    "name": "",
    "mode": "activity",
    "isEntrance": False,
    "hive": {"id": "hive_1", "serial_number": "65fefe57f497d2f6"},
    "room": {"id": "room_1", "space_id": "space_1"},
    "gateway_id": "",
    "height": 3,
    "center": [44.71, 25],
}
ROOM: dict[str, Any] = {
    "id": "room_1",
    "type": "hotdesk",
    "coordinates": [[50.53, 30.82], [62.87, 30.82], [62.87, 20.02]],
    "color": [255, 0, 0, 255],
    "space_id": "space_1",
    "name": "Hot Desks",
    "maxCapacity": 0,
    "area": 0,
    "capacity": 14,
    "mid_capacity": 7,
}


def jwt(claims: dict[str, Any]) -> str:
    payload = base64.urlsafe_b64encode(json.dumps(claims).encode()).decode().rstrip("=")
    return f"eyJhbGciOiJIUzI1NiJ9.{payload}.c2ln"


def test_a_sensor_ref_parses_with_unset_strings_as_none() -> None:
    sensor = Sensor.from_json(SENSOR)

    assert (sensor.hive_id, sensor.room_id, sensor.space_id) == ("hive_1", "room_1", "space_1")
    assert sensor.center == (44.71, 25.0)
    assert sensor.name == ""
    assert sensor.battery_percent is None


def test_sensor_details_read_the_string_battery_flag_and_millisecond_heartbeat() -> None:
    details = SENSOR | {
        "space": {"id": "space_1", "name": "Home"},
        "room": {"id": "", "space_id": "space_1"},
        "isBatteryLow": "true",
        "last_heartbeat": 1667888615000,
        "lastBatteryChange": "2025-05-10T09:00:00Z",
    }
    sensor = Sensor.from_json(details)

    assert sensor.battery_low is True
    assert sensor.room_id is None  # its room was deleted
    assert sensor.last_heartbeat == datetime(2022, 11, 8, 6, 23, 35, tzinfo=UTC)
    assert sensor.last_battery_change == datetime(2025, 5, 10, 9, tzinfo=UTC)


def test_the_schemas_spellings_are_read_too() -> None:
    sensor = Sensor.from_json(
        {k: v for k, v in SENSOR.items() if k not in ("isEntrance", "center")}
        | {"isEntrace": True, "coordinates": [1, 2]}
    )
    assert (sensor.is_entrance, sensor.center) == (True, (1.0, 2.0))


@pytest.mark.parametrize(
    ("broken", "field"),
    [
        ({k: v for k, v in SENSOR.items() if k != "mac_address"}, "mac_address"),
        (SENSOR | {"height": "3m"}, "height"),
        (SENSOR | {"center": [1]}, "center"),
        (SENSOR | {"hive": "hive_1"}, "hive"),
        (SENSOR | {"isBatteryLow": "maybe"}, "isBatteryLow"),
        (SENSOR | {"last_heartbeat": "yesterday"}, "last_heartbeat"),
    ],
)
def test_a_malformed_sensor_names_the_field(broken: dict[str, Any], field: str) -> None:
    with pytest.raises(VendorProtocolError, match=field):
        Sensor.from_json(broken, "sensors[3]")


@pytest.mark.parametrize(
    ("parse", "broken", "field"),
    [
        (Room.from_json, {k: v for k, v in ROOM.items() if k != "space_id"}, "space_id"),
        (Room.from_json, ROOM | {"coordinates": [[1, 2, 3]]}, "coordinates"),
        (Room.from_json, ROOM | {"sensors": [SENSOR | {"id": None}]}, r"sensors\[0\]"),
        (Space.from_json, {"id": "space_1", "name": "x", "installation_date": "soon"}, "date"),
        (Space.from_json, {"id": "space_1"}, "name"),
        (Hive.from_json, {"id": "hive_1", "serial_number": 7}, "serial_number"),
        (
            Zone.from_json,
            {"id": "zone_1", "space_id": "s", "name": "z", "coordinates": [1.5]},
            "coordinates",
        ),
    ],
)
def test_malformed_records_name_the_field(parse: Any, broken: Any, field: str) -> None:
    with pytest.raises(VendorProtocolError, match=field):
        parse(broken)


def test_a_room_reads_its_space_from_either_shape() -> None:
    listed = Room.from_json(ROOM)
    detailed = Room.from_json(
        {k: v for k, v in ROOM.items() if k != "space_id"}
        | {"space": {"id": "space_1", "name": ""}}
    )
    assert listed.space_id == detailed.space_id == "space_1"
    assert detailed.space_name is None


def test_a_report_without_the_measurement_names_it() -> None:
    with pytest.raises(VendorProtocolError, match="occupancy"):
        parse_series({"data": {"room_1": {"traffic": []}}})
    with pytest.raises(VendorProtocolError, match=r"room_1\.occupancy\[0\].*value"):
        parse_series({"data": {"room_1": {"occupancy": [{"time": "2025-01-01T00:00:00Z"}]}}})


def test_jwt_claims_are_read_without_a_key() -> None:
    token = jwt({"azp": "app-client", "exp": 2_000_000_000})

    assert jwt_claims(token)["exp"] == 2_000_000_000
    assert authorized_party(token) == "app-client"


@pytest.mark.parametrize(
    ("token", "problem"),
    [("opaque-token", "not a JWT"), ("a.!!!.c", "base64url"), (jwt({"sub": "x"}), "azp")],
)
def test_a_token_without_a_readable_azp_is_a_protocol_error(token: str, problem: str) -> None:
    with pytest.raises(VendorProtocolError, match=problem):
        authorized_party(token)


def test_a_zero_lifetime_falls_back_to_the_jwt_expiry_then_to_a_day() -> None:
    now = 1_000_000.0
    with_exp = jwt({"azp": "a", "exp": int(now) + 3600})

    assert token_set({"access_token": with_exp, "expires_in": 0}, now, "t").expires_at == now + 3600
    assert (
        token_set({"access_token": jwt({}), "expires_in": 0}, now, "t").expires_at == now + 86_400
    )
    assert token_set({"access_token": "x.y.z", "expires_in": 60}, now, "t").expires_at == now + 60
    with pytest.raises(VendorProtocolError, match="access_token"):
        token_set({"expires_in": 60}, now, "login response")


def test_error_bodies_give_the_vendor_message() -> None:
    assert read_error(400, {"message": "Invalid request"}) == ("Invalid request", [])
    assert read_error(502, None) == ("HTTP 502", [])
    assert read_error(500, {"message": ""}) == ("HTTP 500", [])


@pytest.mark.parametrize(
    ("given", "expected"),
    [
        ("00:17:0D:00:00:AA:BB:CC", "00-17-0d-00-00-aa-bb-cc"),
        (" 00-60-2F-57-04-BC ", "00-60-2f-57-04-bc"),
        ("sensor_1pSzBqzDXWA1W0orILZbfTA71Ak", None),
        ("00-17-0d-00-00-aa-bb", None),
    ],
)
def test_macs_normalise_to_the_printed_form(given: str, expected: str | None) -> None:
    assert normalise_mac(given) == expected
