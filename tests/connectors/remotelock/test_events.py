"""Events, the webhook backfill, notification subscribers and subscriptions, the account."""

from __future__ import annotations

from datetime import timedelta

import pytest

from concierge.connectors.errors import VendorNotFoundError
from concierge.connectors.remotelock import (
    LockedEvent,
    PowerLevelLowEvent,
    RemoteLockClient,
    UnlockedEvent,
)
from tests.conftest import RunningSandbox
from tests.connectors.remotelock.conftest import VENDOR, first_lock, reset_counters, route_count


async def lock_event(sandbox: RunningSandbox, device_id: str, kind: str = "locked") -> str:
    """A lock reports `kind` at the door; returns the event id."""
    result = await sandbox.control(
        "POST", f"/scenarios/{VENDOR}/lock_event", json={"device_id": device_id, "event": kind}
    )
    return str(result["event"]["id"])


async def advance(sandbox: RunningSandbox, seconds: float) -> None:
    await sandbox.control("POST", "/clock/advance", json={"seconds": seconds})


async def test_list_events_walks_every_page_newest_first(
    client: RemoteLockClient, sandbox: RunningSandbox
) -> None:
    await client.tokens.token()
    await reset_counters(sandbox)

    events = await client.events.list()

    assert len(events) > 400
    assert len({e.id for e in events}) == len(events)
    assert await route_count(sandbox, "GET /api/events") == -(-len(events) // 50)
    occurred = [e.occurred_at for e in events]
    assert occurred == sorted(occurred, reverse=True)
    assert {type(e) for e in events} >= {UnlockedEvent, LockedEvent, PowerLevelLowEvent}


async def test_events_filter_by_type_and_get_by_id(client: RemoteLockClient) -> None:
    low = await client.events.list(types=["power_level_low"])
    assert low
    assert all(isinstance(e, PowerLevelLowEvent) and e.power_level is not None for e in low)
    assert await client.events.get(low[0].id) == low[0]
    assert [e.id for e in await client.events.list(ids=[low[0].id])] == [low[0].id]


async def test_events_since_an_event_id_come_oldest_first_from_one_page(
    client: RemoteLockClient, sandbox: RunningSandbox
) -> None:
    checkpoint = await anext(client.events.iter(sort="-created_at"))
    device_id = await first_lock(client)
    new_ids = []
    for kind in ("unlocked", "locked", "access_denied"):
        await advance(sandbox, 2)
        new_ids.append(await lock_event(sandbox, device_id, kind))
    await reset_counters(sandbox)

    since = [e async for e in client.events.iter_since(event_id=checkpoint.id)]

    assert [e.id for e in since] == new_ids
    assert [e.event_type for e in since] == ["unlocked", "locked", "access_denied"]
    assert await route_count(sandbox, "GET /api/events") == 1


async def test_events_since_a_time_include_that_second_and_stop_before_it(
    client: RemoteLockClient, sandbox: RunningSandbox
) -> None:
    newest = await anext(client.events.iter(sort="-created_at"))
    assert newest.created_at is not None
    await advance(sandbox, 10)
    device_id = await first_lock(client)
    fresh = await lock_event(sandbox, device_id)

    since = [
        e
        async for e in client.events.iter_since(created_at=newest.created_at + timedelta(seconds=5))
    ]

    assert [e.id for e in since] == [fresh]
    with pytest.raises(ValueError, match="checkpoint"):
        await anext(client.events.iter_since())


async def test_a_webhook_subscriber_and_its_subscription_round_trip(
    client: RemoteLockClient,
) -> None:
    account = await client.account.get()
    subscriber = await client.notification_subscribers.create_webhook(
        "Concierge", "http://127.0.0.1:9/hooks", secret="s3cret-hook"
    )
    assert (subscriber.type, subscriber.content_type, subscriber.active) == (
        "webhook_notification_subscriber",
        "json",
        True,
    )
    assert subscriber.secret == "s3cret-hook"
    assert "s3cret-hook" not in repr(subscriber)
    assert await client.notification_subscribers.get(subscriber.id) == subscriber
    webhooks = await client.notification_subscribers.list(types=["webhook_notification_subscriber"])
    assert [s.id for s in webhooks] == [subscriber.id]

    paused = await client.notification_subscribers.update(subscriber.id, active=False)
    assert (paused.active, paused.url) == (False, subscriber.url)

    subscription = await client.notification_subscriptions.create(
        publisher_type="account",
        publisher_id=account.id,
        subscriber_id=subscriber.id,
        event_types=["unlocked", "locked_event"],
    )
    assert subscription.event_types == ("unlocked", "locked")
    assert await client.notification_subscriptions.get(subscription.id) == subscription
    listed = await client.notification_subscriptions.list(subscriber_id=subscriber.id)
    assert [s.id for s in listed] == [subscription.id]
    widened = await client.notification_subscriptions.update(
        subscription.id, event_types=["unlocked", "locked", "power_level_low"]
    )
    assert widened.event_types == ("unlocked", "locked", "power_level_low")

    await client.notification_subscriptions.delete(subscription.id)
    assert await client.notification_subscriptions.list(subscriber_id=subscriber.id) == []
    await client.notification_subscribers.delete(subscriber.id)
    with pytest.raises(VendorNotFoundError):
        await client.notification_subscribers.get(subscriber.id)


async def test_the_account_names_the_publisher_for_everything(client: RemoteLockClient) -> None:
    account = await client.account.get()
    assert account.name == "Concierge Demo Properties"
    subscriptions = await client.notification_subscriptions.list(publisher_id=account.id)
    assert subscriptions
    assert all(s.publisher_type == "account" for s in subscriptions)
