"""The in-process event bus: every subscriber of a topic gets each event; slow ones are dropped."""

from __future__ import annotations

import asyncio

import pytest

from resolvers.bus import Event, LocalBus, SubscriberTooSlowError


async def test_each_subscriber_of_a_topic_gets_every_event_and_no_other_topics() -> None:
    bus = LocalBus()
    one, two = bus.subscribe("room:1"), bus.subscribe("room:1")
    other = bus.subscribe("room:2")
    waits = [asyncio.ensure_future(anext(s)) for s in (one, two, other)]
    await asyncio.sleep(0)
    assert await bus.publish(Event("room:1", {"count": 3})) == 2
    assert (await waits[0]).data == {"count": 3}
    assert (await waits[1]).data == {"count": 3}
    assert not waits[2].done()
    waits[2].cancel()
    await asyncio.gather(waits[2], return_exceptions=True)
    for s in (one, two, other):
        await s.aclose()
    assert bus.subscribers("room:1") == 0


async def test_a_subscriber_that_falls_behind_is_dropped_with_a_reason() -> None:
    bus = LocalBus()
    slow = bus.subscribe("door:1", max_queued=3)
    first = asyncio.ensure_future(anext(slow))
    await asyncio.sleep(0)
    await bus.publish(Event("door:1", {"n": 0}))
    assert (await first).data == {"n": 0}
    for n in range(1, 5):
        await bus.publish(Event("door:1", {"n": n}))
    with pytest.raises(SubscriberTooSlowError, match="more than 3 events"):
        await anext(slow)
    assert bus.subscribers("door:1") == 0  # memory released, later events go nowhere
    assert await bus.publish(Event("door:1")) == 0
