"""The in-process event bus: every subscriber of a topic gets each event; slow ones are dropped."""

from __future__ import annotations

import asyncio
import uuid

import pytest

from concierge.resolvers.bus import BusClosedError, Event, LocalBus, SubscriberTooSlowError


async def test_each_subscriber_of_a_topic_gets_every_event_and_no_other_topics() -> None:
    bus = LocalBus()
    one, two = bus.subscribe("room:1"), bus.subscribe("room:1")
    other = bus.subscribe("room:2")
    assert await bus.publish(Event("room:1", {"count": 3})) == 2
    assert (await anext(one)).data == {"count": 3}
    assert (await anext(two)).data == {"count": 3}
    assert bus.subscribers("room:2") == 1
    for s in (one, two, other):
        await s.aclose()
    assert bus.subscribers("room:1") == 0


async def test_an_event_published_before_the_first_read_is_delivered() -> None:
    bus = LocalBus()
    sub = bus.subscribe("call:1")
    await bus.publish(Event("call:1", {"status": "initializing"}))
    assert (await anext(sub)).data == {"status": "initializing"}
    sub.close()


async def test_a_subscriber_that_falls_behind_is_dropped_with_a_reason() -> None:
    bus = LocalBus()
    slow = bus.subscribe("door:1", max_queued=3)
    await bus.publish(Event("door:1", {"n": 0}))
    assert (await anext(slow)).data == {"n": 0}
    for n in range(1, 5):
        await bus.publish(Event("door:1", {"n": n}))
    with pytest.raises(SubscriberTooSlowError, match="more than 3 events"):
        await anext(slow)
    assert bus.subscribers("door:1") == 0  # memory released, later events go nowhere
    assert await bus.publish(Event("door:1")) == 0


async def test_closing_the_bus_ends_every_subscription_with_its_reason() -> None:
    bus = LocalBus()
    sub = bus.subscribe("door:1")
    await bus.close("the server is shutting down")
    with pytest.raises(BusClosedError, match="shutting down"):
        await anext(sub)


async def test_dropping_a_subscriber_that_never_reads_leaves_the_others_receiving() -> None:
    bus = LocalBus()
    never_reads = bus.subscribe("room:1", max_queued=2)
    reader = bus.subscribe("room:1", max_queued=2)
    for n in range(10):
        assert await bus.publish(Event("room:1", {"n": n})) >= 1
        assert (await anext(reader)).data == {"n": n}
    assert bus.subscribers("room:1") == 1
    with pytest.raises(SubscriberTooSlowError):
        await anext(never_reads)


@pytest.mark.requires_redis
async def test_deployments_sharing_a_redis_never_hear_each_others_events() -> None:
    """Pub/sub channels span the whole Redis server: the namespace and the database number
    keep two deployments apart, while replicas of one deployment hear each other."""
    from redis.asyncio import Redis

    from concierge.resolvers.bus import RedisBus
    from concierge.resolvers.tasks import BackgroundTasks

    tasks = BackgroundTasks()
    clients = [Redis.from_url(f"redis://127.0.0.1:6379/{db}") for db in (14, 14, 14, 11)]
    namespace = f"bus-test-{uuid.uuid4().hex[:8]}"
    buses = [
        RedisBus(clients[0], tasks, namespace),  # a replica ...
        RedisBus(clients[1], tasks, namespace),  # ... and another of the same deployment
        RedisBus(clients[2], tasks, namespace + "-other"),  # another namespace, same db
        RedisBus(clients[3], tasks, namespace),  # the same namespace, another database
    ]
    subs = [bus.subscribe("door:1") for bus in buses]
    try:
        for sub in subs:
            await sub.ready()
        assert await buses[0].publish(Event("door:1", {"n": 1})) == 2  # both replicas
        for sub in subs[:2]:
            assert (await asyncio.wait_for(anext(sub), timeout=5)).data == {"n": 1}
        for sub in subs[2:]:
            with pytest.raises(TimeoutError):
                await asyncio.wait_for(anext(sub), timeout=0.3)
    finally:
        for sub in subs:
            sub.close()
        for bus in buses:
            await bus.close()
        await tasks.close()
        for client in clients:
            await client.aclose()
