"""Parsers, error readers and settings, without the network: bad input names its field."""

from __future__ import annotations

from datetime import UTC, datetime, time
from typing import Any

import pytest

from concierge.connectors.errors import FieldError, VendorProtocolError
from concierge.connectors.remotelock import (
    Access,
    AccessPerson,
    Device,
    NotificationSubscription,
    RemoteLockConfig,
    UnlockedEvent,
    parse_event,
)
from concierge.connectors.remotelock.core import page_meta
from concierge.connectors.remotelock.errors import read_error, read_wait
from concierge.connectors.remotelock.fields import Fields

LOCK: dict[str, Any] = {
    "type": "lock",
    "id": "ae05",
    "attributes": {
        "name": "Front Door",
        "state": "locked",
        "connected": True,
        "connected_at": "2018-08-29T18:25:22Z",
        "power_level": 80,
        "programming_code": "123456",
        "local_pins": ["1234"],
        "location_id": "loc-1",
        "model_id": "m-1",
    },
    "links": {"self": "https://api.remotelock.com/devices/ae05"},
    "meta": {"restricted_actions": ["replace"]},
}


def with_attributes(resource: dict[str, Any], **changes: Any) -> dict[str, Any]:
    """`resource` with attributes changed; `...` removes one."""
    attributes = resource["attributes"] | changes
    return {**resource, "attributes": {k: v for k, v in attributes.items() if v is not ...}}


def test_a_lock_parses_with_missing_optional_ids_as_none() -> None:
    device = Device.from_json(LOCK)
    assert (device.id, device.state, device.connected, device.power_level) == (
        "ae05",
        "locked",
        True,
        80,
    )
    assert device.connected_at == datetime(2018, 8, 29, 18, 25, 22, tzinfo=UTC)
    assert device.lock_action_schedule_id is None
    assert device.restricted_actions == ("replace",)


def test_secrets_stay_out_of_record_reprs() -> None:
    assert "123456" not in repr(Device.from_json(LOCK))
    assert "1234" not in repr(Device.from_json(LOCK))
    person = AccessPerson.from_json(
        {
            "type": "access_user",
            "id": "p1",
            "attributes": {"name": "Ann", "status": "current", "pin": "987654"},
        }
    )
    assert person.pin == "987654"
    assert "987654" not in repr(person)


@pytest.mark.parametrize(
    ("bad", "named"),
    [
        (with_attributes(LOCK, state=...), "'state'"),
        (with_attributes(LOCK, connected="yes"), "'connected'"),
        (with_attributes(LOCK, power_level="80"), "'power_level'"),
        (with_attributes(LOCK, connected_at="yesterday"), "'connected_at'"),
        (with_attributes(LOCK, location_id=...), "'location_id'"),
        ({**LOCK, "id": 7}, "'id'"),
        ({"type": "lock", "id": "x"}, "'attributes'"),
        ([LOCK], "expected an object"),
    ],
)
def test_a_malformed_device_names_the_field(bad: object, named: str) -> None:
    with pytest.raises(VendorProtocolError, match=named) as caught:
        Device.from_json(bad, "devices[3]")
    assert "devices[3]" in caught.value.message
    assert caught.value.vendor == "remotelock"


def test_other_device_types_need_no_lock_state() -> None:
    plug = {"type": "power_plug", "id": "pp", "attributes": {"name": "Plug", "location_id": "l"}}
    device = Device.from_json(plug)
    assert (device.is_lock, device.state, device.connected) == (False, None, None)


@pytest.mark.parametrize(
    ("parser", "data", "named"),
    [
        (
            AccessPerson.from_json,
            {
                "type": "access_guest",
                "id": "g",
                "attributes": {"name": "G", "status": "current", "starts_at": "soon"},
            },
            "'starts_at'",
        ),
        (
            Access.from_json,
            {"type": "access_person_access", "id": "a", "attributes": {"accessible_type": "lock"}},
            "'access_person_id'",
        ),
        (
            NotificationSubscription.from_json,
            {
                "type": "notification_subscription",
                "id": "n",
                "attributes": {
                    "publisher_type": "account",
                    "publisher_id": "a",
                    "subscriber_type": "w",
                    "subscriber_id": "s",
                    "events": [{"first_access": True}],
                },
            },
            "'event_type'",
        ),
        (
            parse_event,
            {
                "type": "unlocked_event",
                "id": "e",
                "attributes": {"publisher_type": "lock", "publisher_id": "d"},
            },
            "'occurred_at'",
        ),
    ],
)
def test_malformed_resources_name_the_field(parser: Any, data: object, named: str) -> None:
    with pytest.raises(VendorProtocolError, match=named):
        parser(data, "where")


def test_guest_windows_are_zone_less_wall_clock_times() -> None:
    guest = AccessPerson.from_json(
        {
            "type": "access_guest",
            "id": "g",
            "attributes": {
                "name": "Cleaning Crew",
                "status": "upcoming",
                "starts_at": "2020-01-02T16:04:00",
                "ends_at": "2021-01-02T16:04:00",
            },
        }
    )
    assert guest.is_guest
    assert guest.starts_at == datetime(2020, 1, 2, 16, 4)
    assert guest.starts_at.tzinfo is None


def test_an_unlocked_event_is_typed_and_keeps_unknown_fields() -> None:
    event = parse_event(
        {
            "type": "unlocked_event",
            "id": "66101728",
            "attributes": {
                "source": "user",
                "status": "succeeded",
                "occurred_at": "2018-08-26T07:51:22Z",
                "created_at": "2018-08-29T18:25:22Z",
                "method": "pin",
                "pin": "1234",
                "publisher_id": "ae05",
                "publisher_type": "lock",
                "associated_resource_id": "6411",
                "associated_resource_type": "access_user",
                "brand_new_field": 1,
            },
        }
    )
    assert isinstance(event, UnlockedEvent)
    assert (event.event_type, event.method, event.pin) == ("unlocked", "pin", "1234")
    assert event.associated_resource_id == "6411"
    assert event.attributes["brand_new_field"] == 1
    assert "1234" not in repr(event)


def test_page_meta_without_total_pages_is_a_protocol_error() -> None:
    body = Fields({"data": [], "meta": {"page": 1, "per_page": 50}}, "devices")
    with pytest.raises(VendorProtocolError, match="'total_pages'"):
        page_meta(body)


def test_resource_errors_become_field_errors_without_echoing_the_attributes() -> None:
    message, fields = read_error(
        422,
        {
            "attributes": {"name": "Ann", "pin": "4321"},
            "errors": [
                {
                    "attribute": "pin",
                    "messages": ["has already been taken"],
                    "full_messages": ["pin has already been taken"],
                },
                {"attribute": None, "messages": ["pin, generate_pin or card_number is required"]},
            ],
        },
    )
    assert fields == [
        FieldError("pin", "has already been taken"),
        FieldError(None, "pin, generate_pin or card_number is required"),
    ]
    assert "4321" not in message
    assert message.startswith("pin has already been taken")


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ({"message": "Device not found", "type": "not_found"}, "Device not found (not_found)"),
        ({"error": "invalid_grant", "error_description": "expired"}, "invalid_grant: expired"),
        ({"message": "Your account has exceeded the rate limit."}, "Your account has exceeded"),
        (None, "HTTP 502"),
    ],
)
def test_general_oauth_and_empty_error_bodies_read_as_messages(body: object, message: str) -> None:
    assert read_error(502, body)[0].startswith(message)


def test_the_wait_after_a_429_prefers_retry_after_then_the_reset_time() -> None:
    now = 1_700_000_000.0
    assert read_wait({"Retry-After": "7", "X-RateLimit-Reset": str(now + 30)}, now) == 7.0
    assert read_wait({"X-RateLimit-Reset": str(int(now) + 30)}, now) == 30.0
    assert read_wait({"X-RateLimit-Reset": str(now + 3600)}, now) == 60.0  # clock skew: cap
    assert read_wait({"X-RateLimit-Reset": str(now - 5)}, now) == 0.0
    assert read_wait({"X-RateLimit-Reset": "soon"}, now) is None
    assert read_wait({}, now) is None


def config(**overrides: Any) -> RemoteLockConfig:
    settings: dict[str, Any] = {"client_id": "app", "client_secret": "secret"}
    return RemoteLockConfig(**(settings | overrides))


@pytest.mark.parametrize(
    ("overrides", "setting"),
    [
        ({"client_secret": ""}, "client_secret"),
        ({"client_id": " "}, "client_id"),
        ({"api_url": "ftp://api.remotelock.com"}, "api_url"),
        ({"auth_url": "connect.remotelock.com"}, "auth_url"),
        ({"grant": "password"}, "grant"),
        ({"grant": "authorization_code"}, "redirect_uri"),
        ({"redirect_uri": "myapp:/callback"}, "redirect_uri"),
        ({"rate_limit": 0}, "rate_limit"),
        ({"breaker_probe_s": 0}, "breaker_probe_s"),
    ],
)
def test_config_mistakes_name_the_setting(overrides: dict[str, Any], setting: str) -> None:
    with pytest.raises(ValueError, match=setting):
        config(**overrides)


def test_config_defaults_to_production_hosts_and_hides_the_secret() -> None:
    settings = config(client_secret="s3cr3t-value")
    assert settings.api_url == "https://api.remotelock.com"
    assert settings.media_type == "application/vnd.lockstate+json; version=1"
    assert (settings.rate_limit, settings.rate_window_s) == (120, 60.0)
    assert "s3cr3t-value" not in repr(settings)
    assert settings.token_key == "remotelock:app:client_credentials"


def test_time_of_day_fields_accept_both_documented_forms() -> None:
    fields = Fields({"a": "14:00", "b": "14:00:30"}, "access")
    assert (fields.opt_time_of_day("a"), fields.opt_time_of_day("b")) == (
        time(14, 0),
        time(14, 0, 30),
    )
