"""Webhook subscribers: delivery with X-Secret, hourly retries, deactivation after 72 hours."""

from __future__ import annotations

import asyncio
import json
from typing import Any
from urllib.parse import parse_qs

from tests.conftest import RunningSandbox
from tests.sandbox.remotelock.conftest import Receiver, RemoteLock


async def _subscribe(
    rl: RemoteLock, url: str, *, content_type: str = "json", events: tuple[str, ...] = ("unlocked",)
) -> str:
    subscriber = await rl.post(
        "/notification_subscribers",
        {
            "type": "webhook_notification_subscriber",
            "attributes": {
                "active": True,
                "name": "Concierge",
                "url": url,
                "content_type": content_type,
                "secret": "s3cret",
            },
        },
    )
    assert subscriber.status == 201, subscriber.text
    account = (await rl.get("/account")).data["id"]
    subscription = await rl.post(
        "/notification_subscriptions",
        {
            "attributes": {
                "events": [{"event_type": e} for e in events],
                "publisher_type": "account",
                "publisher_id": account,
                "subscriber_type": "webhook_notification_subscriber",
                "subscriber_id": subscriber.data["id"],
            }
        },
    )
    assert subscription.status == 201, subscription.text
    return str(subscriber.data["id"])


async def _unlock_at_the_door(sandbox: RunningSandbox, rl: RemoteLock) -> dict[str, Any]:
    lock = await rl.first_lock()
    result: dict[str, Any] = await sandbox.control(
        "POST",
        "/scenarios/remotelock/lock_event",
        json={"device_id": lock["id"], "event": "unlocked"},
    )
    return result


async def test_webhook_receives_the_event_with_x_secret(
    rl: RemoteLock, sandbox: RunningSandbox, receiver: Receiver
) -> None:
    subscriber = await _subscribe(rl, receiver.url)
    result = await _unlock_at_the_door(sandbox, rl)
    await receiver.wait_for(1)
    request = receiver.requests[0]
    assert request["headers"]["X-Secret"] == "s3cret"
    assert request["headers"]["Content-Type"] == "application/json"
    payload = json.loads(request["body"])
    assert list(payload) == ["data"]
    assert payload["data"]["type"] == "unlocked_event"
    assert payload["data"]["id"] == result["event"]["id"]
    assert payload["data"]["links"]["self"].endswith(f"/events/{result['event']['id']}")
    logged = await rl.get(f"/notifications?attributes[subscriber_id]={subscriber}")
    assert [n["attributes"]["event_id"] for n in logged.data] == [result["event"]["id"]]
    assert logged.data[0]["attributes"]["event_type"] == "unlocked_event"


async def test_form_subscribers_get_nested_form_fields(
    rl: RemoteLock, sandbox: RunningSandbox, receiver: Receiver
) -> None:
    await _subscribe(rl, receiver.url, content_type="form")
    result = await _unlock_at_the_door(sandbox, rl)
    await receiver.wait_for(1)
    request = receiver.requests[0]
    assert request["headers"]["Content-Type"] == "application/x-www-form-urlencoded"
    fields = parse_qs(request["body"].decode(), keep_blank_values=True)
    assert fields["data[type]"] == ["unlocked_event"]
    assert fields["data[id]"] == [result["event"]["id"]]
    assert fields["data[attributes][publisher_type]"] == ["lock"]


async def test_failed_deliveries_are_retried_until_acknowledged(
    rl: RemoteLock, sandbox: RunningSandbox, receiver: Receiver
) -> None:
    await sandbox.control("PUT", "/webhooks", json={"retry_interval_s": 0.2})
    receiver.fail_first = 2
    await _subscribe(rl, receiver.url)
    result = await _unlock_at_the_door(sandbox, rl)
    await receiver.wait_for(3)
    ids = {json.loads(r["body"])["data"]["id"] for r in receiver.requests}
    assert ids == {result["event"]["id"]}
    log = await sandbox.control("GET", "/webhooks?vendor=remotelock")
    delivery = next(d for d in log["deliveries"] if d["event_id"] == result["event"]["id"])
    async with asyncio.timeout(2):
        while delivery["state"] != "delivered":
            await asyncio.sleep(0.05)
            log = await sandbox.control("GET", "/webhooks?vendor=remotelock")
            delivery = next(d for d in log["deliveries"] if d["event_id"] == result["event"]["id"])
    assert [a["status"] for a in delivery["attempts"]] == [500, 500, 200]


async def test_subscriber_is_deactivated_after_72_hours_of_failures(
    rl: RemoteLock, sandbox: RunningSandbox, receiver: Receiver
) -> None:
    await sandbox.control("PUT", "/webhooks", json={"retry_interval_s": 0.2})
    receiver.fail_first = 10_000
    subscriber = await _subscribe(rl, receiver.url)
    await _unlock_at_the_door(sandbox, rl)
    await receiver.wait_for(2)
    await sandbox.control("POST", "/clock/advance", json={"seconds": 72 * 3600 + 60})
    rl.token = await rl.client_credentials()  # the old one expired during those 72 hours
    async with asyncio.timeout(3):
        while True:
            reply = await rl.get(f"/notification_subscribers/{subscriber}")
            if reply.data["attributes"]["active"] is False:
                break
            await asyncio.sleep(0.05)
    log = await sandbox.control("GET", "/webhooks?vendor=remotelock")
    assert log["deliveries"][-1]["state"] == "failed"
    # An inactive subscriber gets nothing more.
    before = len(receiver.requests)
    await _unlock_at_the_door(sandbox, rl)
    await asyncio.sleep(0.3)
    assert len(receiver.requests) == before


async def test_webhook_url_must_be_https_except_on_loopback(rl: RemoteLock) -> None:
    def body(url: str) -> dict[str, Any]:
        return {
            "type": "webhook_notification_subscriber",
            "attributes": {"name": "Hook", "url": url, "content_type": "json"},
        }

    plain = await rl.post("/notification_subscribers", body("http://example.com/hook"))
    assert plain.status == 422
    assert plain.body["errors"][0]["attribute"] == "url"
    secure = await rl.post("/notification_subscribers", body("https://example.com/hook"))
    assert secure.status == 201
    assert len(secure.data["attributes"]["secret"]) == 32  # generated when omitted
    assert list(secure.data["attributes"]) == [
        "name",
        "url",
        "content_type",
        "secret",
        "active",
        "created_at",
        "updated_at",
    ]
    garbage = await rl.post("/notification_subscribers", body("not a url"))
    assert garbage.status == 422


async def test_subscriptions_validate_events_against_the_publisher(rl: RemoteLock) -> None:
    subscriber = (await rl.get("/notification_subscribers")).data[0]
    lock = await rl.first_lock()
    base = {
        "publisher_type": "lock",
        "publisher_id": lock["id"],
        "subscriber_type": subscriber["type"],
        "subscriber_id": subscriber["id"],
    }
    wrong = await rl.post(
        "/notification_subscriptions",
        {"attributes": {**base, "events": [{"event_type": "temperature_changed"}]}},
    )
    assert wrong.status == 422
    assert wrong.body["errors"][0]["attribute"] == "events"
    good = await rl.post(
        "/notification_subscriptions",
        {
            "attributes": {
                **base,
                "events": [{"event_type": "unlocked"}, {"event_type": "power_level_low"}],
            }
        },
    )
    assert good.status == 201
    assert good.data["links"]["publisher"] == f"{rl.api_url}/devices/{lock['id']}"
    changed = await rl.put(
        f"/notification_subscriptions/{good.data['id']}",
        {"attributes": {"events": [{"event_type": "locked"}]}},
    )
    assert changed.data["attributes"]["events"] == [{"event_type": "locked"}]
    assert (await rl.delete(f"/notification_subscriptions/{good.data['id']}")).status == 204
    nobody = await rl.post(
        "/notification_subscriptions",
        {
            "attributes": {
                **base,
                "subscriber_id": lock["id"],
                "events": [{"event_type": "unlocked"}],
            }
        },
    )
    assert nobody.body["errors"][0]["attribute"] == "subscriber_id"


async def test_seeded_subscribers_have_a_notification_history(rl: RemoteLock) -> None:
    reply = await rl.get("/notifications")
    assert reply.body["meta"]["total_count"] > 0
    note = reply.data[0]
    assert set(note["links"]) == {"self", "subscriber", "publisher", "event"}
    event = await rl.get(note["links"]["event"].removeprefix(rl.api_url))
    assert event.data["type"] == note["attributes"]["event_type"]
