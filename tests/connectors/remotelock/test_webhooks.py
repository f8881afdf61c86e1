"""Webhook deliveries from the sandbox, verified by `X-Secret` and parsed into typed events."""

from __future__ import annotations

import hmac
import json
from typing import Any

import pytest

from concierge.connectors.remotelock import (
    ConnectivityEvent,
    Event,
    PowerLevelLowEvent,
    RemoteLockClient,
    UnlockedEvent,
    WebhookPayloadError,
    WebhookVerificationError,
    parse_webhook,
)
from tests.conftest import RunningSandbox
from tests.connectors.remotelock.conftest import VENDOR, Receiver, first_lock

SECRET = "whsec-5f7c5b9ccedea883"
EVENT: dict[str, Any] = {
    "type": "connectivity_event",
    "id": "e-1",
    "attributes": {
        "source": "user",
        "status": "succeeded",
        "occurred_at": "2018-08-26T07:51:22Z",
        "created_at": "2018-08-26T07:51:25Z",
        "connected_at": "2018-08-26T07:51:20Z",
        "publisher_id": "lock-1",
        "publisher_type": "lock",
    },
}


async def subscribe(client: RemoteLockClient, url: str, content_type: str) -> None:
    account = await client.account.get()
    subscriber = await client.notification_subscribers.create_webhook(
        "Concierge", url, secret=SECRET, content_type=content_type
    )
    await client.notification_subscriptions.create(
        publisher_type="account",
        publisher_id=account.id,
        subscriber_id=subscriber.id,
        event_types=["unlocked", "power_level_low"],
    )


async def test_a_json_delivery_parses_into_the_event_the_api_serves(
    client: RemoteLockClient, sandbox: RunningSandbox, receiver: Receiver
) -> None:
    await subscribe(client, receiver.url, "json")
    device_id = await first_lock(client)
    await sandbox.control(
        "POST",
        f"/scenarios/{VENDOR}/lock_event",
        json={"device_id": device_id, "event": "unlocked", "pin": "4455"},
    )
    await receiver.wait_for(1)
    headers, body = receiver.requests[0]

    event = parse_webhook(body, headers, secret=SECRET)

    assert isinstance(event, UnlockedEvent)
    assert (event.publisher_id, event.method, event.pin) == (device_id, "pin", "4455")
    assert event == await client.events.get(event.id)


async def test_a_form_delivery_reads_numbers_and_nulls_back_from_text(
    client: RemoteLockClient, sandbox: RunningSandbox, receiver: Receiver
) -> None:
    await subscribe(client, receiver.url, "form")
    device_id = await first_lock(client)
    await sandbox.control(
        "POST", f"/scenarios/{VENDOR}/battery_low", json={"device_id": device_id, "power_level": 7}
    )
    await receiver.wait_for(1)
    headers, body = receiver.requests[0]
    assert headers["Content-Type"] == "application/x-www-form-urlencoded"

    event = parse_webhook(body, headers, secret=SECRET, content_type="form")

    assert isinstance(event, PowerLevelLowEvent)
    assert (event.power_level, event.publisher_id) == (7, device_id)
    assert event.associated_resource_id is None
    served = await client.events.get(event.id)
    assert (event.occurred_at, event.created_at, event.type) == (
        served.occurred_at,
        served.created_at,
        served.type,
    )


def test_the_secret_is_checked_in_constant_time(monkeypatch: pytest.MonkeyPatch) -> None:
    compared: list[tuple[bytes, bytes]] = []
    real = hmac.compare_digest

    def spy(a: bytes, b: bytes) -> bool:
        compared.append((a, b))
        return real(a, b)

    monkeypatch.setattr(hmac, "compare_digest", spy)
    body = json.dumps({"data": EVENT}).encode()

    assert isinstance(parse_webhook(body, {"x-secret": SECRET}, secret=SECRET), ConnectivityEvent)
    with pytest.raises(WebhookVerificationError):
        parse_webhook(body, {"X-Secret": SECRET[:-1] + "0"}, secret=SECRET)
    assert compared == [
        (SECRET.encode(), SECRET.encode()),
        ((SECRET[:-1] + "0").encode(), SECRET.encode()),
    ]


@pytest.mark.parametrize("headers", [{}, {"X-Secret": ""}, {"X-Secret": "guess"}])
def test_a_missing_or_wrong_secret_is_rejected_before_the_body_is_read(
    headers: dict[str, str],
) -> None:
    with pytest.raises(WebhookVerificationError) as caught:
        parse_webhook(b"not even json", headers, secret=SECRET)
    assert caught.value.status == 401
    assert SECRET not in str(caught.value)


@pytest.mark.parametrize(
    ("body", "named"),
    [
        (b"{not json", "not JSON"),
        (b"[]", "should be an object"),
        (b'{"event": {}}', "'data'"),
        (json.dumps({"data": {**EVENT, "id": None}}).encode(), "'id'"),
        (
            json.dumps({"data": {**EVENT, "attributes": {"publisher_id": "x"}}}).encode(),
            "'occurred_at'",
        ),
    ],
)
def test_a_malformed_body_is_a_clear_payload_error(body: bytes, named: str) -> None:
    with pytest.raises(WebhookPayloadError, match=named):
        parse_webhook(body, {"X-Secret": SECRET}, secret=SECRET)


def test_a_malformed_form_body_is_a_clear_payload_error() -> None:
    with pytest.raises(WebhookPayloadError, match="form"):
        parse_webhook(b"data[type=x", {"X-Secret": SECRET}, secret=SECRET, content_type="form")


def test_an_unknown_event_type_still_parses_as_a_plain_event() -> None:
    relay = {**EVENT, "type": "relay_enabled_event", "id": "e-2"}
    event = parse_webhook(json.dumps({"data": relay}).encode(), {"X-Secret": SECRET}, secret=SECRET)
    assert type(event) is Event
    assert (event.id, event.event_type) == ("e-2", "relay_enabled")
    assert event.attributes["connected_at"] == "2018-08-26T07:51:20Z"


def test_webhook_settings_mistakes_are_value_errors() -> None:
    with pytest.raises(ValueError, match="secret"):
        parse_webhook(b"{}", {"X-Secret": ""}, secret="")
    with pytest.raises(ValueError, match="content_type"):
        parse_webhook(b"{}", {"X-Secret": SECRET}, secret=SECRET, content_type="xml")  # type: ignore[arg-type]
