"""Webhooks: the sandbox's real deliveries parse into typed events; bad tokens are refused."""

from __future__ import annotations

import asyncio
import hmac
import json
from dataclasses import replace
from typing import Any

import pytest

from concierge.connectors.butterflymx import (
    ButterflyMXClient,
    CallStatusChanged,
    DoorReleaseCreated,
    OtherWebhookEvent,
    WebhookVerificationError,
    parse_webhook,
)
from concierge.connectors.errors import VendorProtocolError
from tests.conftest import RunningSandbox
from tests.connectors.butterflymx.conftest import Receiver

TOKEN = "s3cr3t-url-token"


async def _deliveries(receiver: Receiver, count: int) -> list[dict[str, Any]]:
    for _ in range(200):
        if len(receiver.requests) >= count:
            return receiver.requests
        await asyncio.sleep(0.01)
    raise AssertionError(f"expected {count} deliveries, got {len(receiver.requests)}")


async def test_a_door_release_delivery_parses_into_a_typed_event(
    client: ButterflyMXClient, sandbox: RunningSandbox, receiver: Receiver
) -> None:
    state = await sandbox.control("GET", "/vendors/butterflymx")
    unit = await client.units.get(state["demo"]["unit_id"])
    integration = await client.integrations.create(
        f"{receiver.base_url}/webhooks/butterflymx/{TOKEN}",
        building_id=unit.building_id,
        bindings=["door_release"],
    )
    await sandbox.control("POST", "/scenarios/butterflymx/door_release", json={})
    delivery = (await _deliveries(receiver, 1))[0]
    url_token = delivery["path"].rsplit("/", 1)[-1]
    event = parse_webhook(delivery["body"], url_token=url_token, expected_token=TOKEN)
    assert isinstance(event, DoorReleaseCreated)
    assert event.integration_id == integration.id
    assert event.door_release.unit_id == unit.id
    assert event.door_release.building_id == unit.building_id
    # The webhook adds the building to the general door release shape.
    fetched = await client.door_releases.get(event.door_release.id)
    assert replace(event.door_release, building_id=None) == fetched


async def test_a_get_integration_delivers_call_statuses_in_the_query(
    client: ButterflyMXClient, sandbox: RunningSandbox, receiver: Receiver
) -> None:
    state = await sandbox.control("GET", "/vendors/butterflymx")
    unit = await client.units.get(state["demo"]["unit_id"])
    await client.integrations.create(
        f"{receiver.base_url}/hooks/{TOKEN}",
        building_id=unit.building_id,
        method="get",
        bindings=["call"],
    )
    rung = await sandbox.control(
        "POST", "/scenarios/butterflymx/call", json={"call_type": "voip", "step_s": 1}
    )
    delivery = (await _deliveries(receiver, 1))[0]
    assert delivery["method"] == "GET"
    assert delivery["body"] == b""
    event = parse_webhook(
        delivery["body"], url_token=TOKEN, expected_token=TOKEN, query=delivery["query"]
    )
    assert isinstance(event, CallStatusChanged)
    assert event.call.guid == rung["call"]["guid"]
    assert event.call.status == "initializing"
    assert event.call.unit_id == unit.id
    assert event.call.panel_id == rung["call"]["panel_id"]


def _payload(**changes: Any) -> bytes:
    payload = {
        "event_id": "5f0c8f4e-0000-4000-8000-000000000001",
        "event_type": "door_release.created",
        "created_at": "2025-02-05T11:00:00Z",
        "integration_id": "79c9dc15-1bef-4ecc-956e-824be46901ce",
        "data": {
            "id": "27",
            "type": "door_releases",
            "attributes": {"release_method": "mobile", "created_at": "2025-02-05T11:00:00Z"},
        },
    }
    payload.update(changes)
    return json.dumps(payload).encode()


def test_a_wrong_token_is_refused_with_a_constant_time_comparison(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    compared: list[tuple[bytes, bytes]] = []
    real = hmac.compare_digest

    def spy(a: bytes, b: bytes) -> bool:
        compared.append((a, b))
        return real(a, b)

    monkeypatch.setattr(hmac, "compare_digest", spy)
    with pytest.raises(WebhookVerificationError):
        parse_webhook(_payload(), url_token="guess", expected_token=TOKEN)
    with pytest.raises(WebhookVerificationError):  # checked before the body is read
        parse_webhook(b"not json", url_token="", expected_token=TOKEN)
    assert compared == [(b"guess", TOKEN.encode()), (b"", TOKEN.encode())]


def test_an_empty_expected_token_is_a_configuration_error() -> None:
    with pytest.raises(ValueError, match="token"):
        parse_webhook(_payload(), url_token="", expected_token="")


@pytest.mark.parametrize(
    ("body", "named"),
    [
        (b"{not json", "not JSON"),
        (b"[]", "expected an object"),
        (_payload(event_id=None), "'event_id'"),
        (_payload(created_at="soon"), "'created_at'"),
        (_payload(data=None), "webhook.data"),
        (_payload(data={"id": "1", "type": "door_releases", "attributes": {}}), "'release_method'"),
        (
            _payload(
                event_type="call.status_changed",
                data={
                    "id": "1",
                    "type": "calls",
                    "attributes": {
                        "guid": "g",
                        "call_type": "voip",
                        "created_at": "2025-02-05T11:00:00Z",
                    },
                },
            ),
            "'status'",
        ),
    ],
)
def test_a_malformed_delivery_is_a_protocol_error_naming_the_field(body: bytes, named: str) -> None:
    with pytest.raises(VendorProtocolError, match=named):
        parse_webhook(body, url_token=TOKEN, expected_token=TOKEN)


def test_an_unknown_event_type_is_kept_for_acknowledgement() -> None:
    event = parse_webhook(
        _payload(event_type="panel.rebooted", data={"id": "3", "type": "panels"}),
        url_token=TOKEN,
        expected_token=TOKEN,
    )
    assert isinstance(event, OtherWebhookEvent)
    assert event.event_type == "panel.rebooted"
    assert event.data["id"] == "3"
