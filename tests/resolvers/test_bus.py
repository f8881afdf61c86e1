"""The in-process event bus: every subscriber of a topic gets each event; slow ones are dropped."""

from __future__ import annotations

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
