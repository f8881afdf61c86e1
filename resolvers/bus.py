"""The event bus: vendor events in (webhooks, pollers), subscription resolvers out.

`LocalBus` delivers within this process. The real-time issue adds a Redis pub/sub bus
with the same protocol, so a webhook received by one replica reaches every replica's
subscribers. Queues are bounded: a subscriber that falls `max_queued` events behind is
dropped (its iterator raises `SubscriberTooSlowError`), never buffered without end.
"""

from __future__ import annotations

import asyncio
from collections import defaultdict
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from typing import Any, Protocol


@dataclass(frozen=True)
class Event:
    topic: str  # e.g. "occupancy:butlr:room_1", "door:remotelock.lock:abc"
    data: dict[str, Any] = field(default_factory=dict)


class SubscriberTooSlowError(Exception):
    """This subscriber fell too far behind and was dropped."""


class EventBus(Protocol):
    async def publish(self, event: Event) -> int:
        """Deliver `event` to its topic's subscribers; how many it reached (on this replica)."""
        ...

    def subscribe(self, topic: str, *, max_queued: int = 100) -> AsyncIterator[Event]:
        """Events on `topic` from now on, until the iterator is closed."""
        ...


_DROPPED = object()  # queued in place of an event: the subscriber was too slow


class LocalBus:
    def __init__(self) -> None:
        self._queues: dict[str, set[asyncio.Queue[Any]]] = defaultdict(set)

    def subscribers(self, topic: str) -> int:
        return len(self._queues.get(topic, ()))

    async def publish(self, event: Event) -> int:
        queues = self._queues.get(event.topic, set())
        for queue in list(queues):
            try:
                queue.put_nowait(event)
            except asyncio.QueueFull:
                queues.discard(queue)
                _drop(queue)
        return len(queues)

    async def subscribe(self, topic: str, *, max_queued: int = 100) -> AsyncIterator[Event]:
        queue: asyncio.Queue[Any] = asyncio.Queue(maxsize=max_queued)
        self._queues[topic].add(queue)
        try:
            while True:
                item = await queue.get()
                if item is _DROPPED:
                    raise SubscriberTooSlowError(
                        f"dropped: more than {max_queued} events on {topic} were not read"
                    )
                yield item
        finally:
            queues = self._queues.get(topic)
            if queues is not None:
                queues.discard(queue)
                if not queues:
                    del self._queues[topic]


def _drop(queue: asyncio.Queue[Any]) -> None:
    """Replace what the subscriber had not read (lost anyway) with the drop marker."""
    while not queue.empty():
        queue.get_nowait()
    queue.put_nowait(_DROPPED)
