"""The event bus: vendor events in (webhooks, pollers), subscription resolvers out.

`LocalBus` delivers within this process; `RedisBus` (when `redis_url` is set) carries
events between replicas over Redis pub/sub, so a webhook received by one replica reaches
every replica's subscribers. Each replica holds one Redis subscription per topic, however
many local subscribers it has, and fans events out locally.

`subscribe()` registers at once and returns a `Subscription`: an event published after the
call returns is delivered (an async generator would register only at its first
`__anext__`, losing what came in between). `await sub.ready()` waits until Redis confirmed
the channel. Queues are bounded: a subscriber that falls `max_queued` events behind is
dropped (its iterator raises `SubscriberTooSlowError`), never buffered without end.
"""

from __future__ import annotations

import asyncio
import logging
from collections import defaultdict
from dataclasses import dataclass, field
from types import TracebackType
from typing import TYPE_CHECKING, Any, Protocol

import orjson

if TYPE_CHECKING:
    from redis.asyncio import Redis
    from redis.asyncio.client import PubSub

    from concierge.resolvers.tasks import BackgroundTasks

log = logging.getLogger(__name__)

REDIS_TIMEOUT_S = 2.0  # one publish or (un)subscribe; Redis on the LAN answers in < 1 ms


@dataclass(frozen=True)
class Event:
    topic: str  # e.g. "occupancy:butlr:room_1", "door:remotelock.lock:abc"
    data: dict[str, Any] = field(default_factory=dict)


class SubscriberTooSlowError(Exception):
    """This subscriber fell too far behind and was dropped."""


class BusClosedError(Exception):
    """The bus stopped (the server is shutting down); the reason says why."""


_DROPPED = object()  # queued in place of an event: the subscriber was too slow


class Subscription:
    """Events on one topic from the moment of `subscribe()`; close it (or use `async with`)."""

    def __init__(self, bus: _Fanout, topic: str, max_queued: int) -> None:
        self.topic = topic
        self.max_queued = max_queued
        self._bus = bus
        self._queue: asyncio.Queue[Any] = asyncio.Queue(maxsize=max_queued + 1)
        self._closed = False

    async def ready(self) -> None:
        """Return once events published anywhere reach this subscription."""
        await self._bus.ready(self.topic)

    def offer(self, event: Event) -> bool:
        """Queue `event`; False (and the subscriber marked dropped) when it is too far behind."""
        if self._queue.qsize() >= self.max_queued:
            _drop(self._queue)
            return False
        self._queue.put_nowait(event)
        return True

    def end(self, reason: str) -> None:
        """No further events: the next read raises `BusClosedError(reason)`."""
        while not self._queue.empty():
            self._queue.get_nowait()
        self._queue.put_nowait(BusClosedError(reason))

    def __aiter__(self) -> Subscription:
        return self

    async def __anext__(self) -> Event:
        if self._closed:
            raise StopAsyncIteration
        item = await self._queue.get()
        if item is _DROPPED:
            self.close()
            raise SubscriberTooSlowError(
                f"dropped: more than {self.max_queued} events on {self.topic} were not read"
            )
        if isinstance(item, BusClosedError):
            self.close()
            raise item
        assert isinstance(item, Event)
        return item

    def close(self) -> None:
        if not self._closed:
            self._closed = True
            self._bus.remove(self)

    async def aclose(self) -> None:
        self.close()

    async def __aenter__(self) -> Subscription:
        return self

    async def __aexit__(
        self, et: type[BaseException] | None, e: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.close()


class EventBus(Protocol):
    async def publish(self, event: Event) -> int:
        """Deliver `event` to its topic's subscribers; how many it reached (local subscribers
        for `LocalBus`, replicas listening for `RedisBus`)."""
        ...

    def subscribe(self, topic: str, *, max_queued: int = 100) -> Subscription:
        """Events on `topic` from now on, until the subscription is closed."""
        ...

    def subscribers(self, topic: str) -> int:
        """Local subscribers of `topic`."""
        ...

    async def close(self, reason: str = "the server is shutting down") -> None:
        """End every subscription with `reason`."""
        ...


class _Fanout:
    """Local subscribers per topic; what both buses share."""

    def __init__(self) -> None:
        self._subs: dict[str, set[Subscription]] = defaultdict(set)

    def subscribers(self, topic: str) -> int:
        return len(self._subs.get(topic, ()))

    def subscribe(self, topic: str, *, max_queued: int = 100) -> Subscription:
        sub = Subscription(self, topic, max_queued)
        first = topic not in self._subs
        self._subs[topic].add(sub)
        if first:
            self._first(topic)
        return sub

    def remove(self, sub: Subscription) -> None:
        subs = self._subs.get(sub.topic)
        if subs is None or sub not in subs:
            return
        subs.discard(sub)
        if not subs:
            del self._subs[sub.topic]
            self._last(sub.topic)

    def deliver(self, event: Event) -> int:
        subs = self._subs.get(event.topic)
        if not subs:
            return 0
        reached = 0
        for sub in list(subs):
            if sub.offer(event):
                reached += 1
            else:
                self.remove(sub)  # its reader sees the drop; memory is released now
        return reached

    def end_all(self, reason: str) -> None:
        for subs in list(self._subs.values()):
            for sub in list(subs):
                sub.end(reason)

    async def ready(self, topic: str) -> None:
        return None

    def _first(self, topic: str) -> None:
        """The first local subscriber of `topic` arrived."""

    def _last(self, topic: str) -> None:
        """The last local subscriber of `topic` left."""


class LocalBus(_Fanout):
    async def publish(self, event: Event) -> int:
        return self.deliver(event)

    async def close(self, reason: str = "the server is shutting down") -> None:
        self.end_all(reason)


class RedisBus(_Fanout):
    """Redis pub/sub between replicas: one connection for publishing, one `PubSub` holding
    a channel per topic some local subscriber wants, read by one task that fans out."""

    def __init__(self, redis: Redis, tasks: BackgroundTasks, namespace: str = "concierge") -> None:
        super().__init__()
        self.redis = redis
        # Pub/sub channels belong to the whole Redis server, not to a database: the channel
        # names carry the namespace and the database, so deployments sharing a Redis (by
        # `cache_namespace` or by database number) never hear each other's events.
        db = redis.connection_pool.connection_kwargs.get("db", 0)
        self._prefix = f"{namespace}:bus:{db}:"
        self._tasks = tasks
        self._pubsub: PubSub = redis.pubsub()
        self._wanted: dict[str, asyncio.Future[None]] = {}  # topic -> subscribed in Redis
        self._changes: asyncio.Queue[str] = asyncio.Queue()
        self._reader: asyncio.Future[None] | None = None
        self._syncer: asyncio.Future[None] | None = None
        self._closed = False

    async def publish(self, event: Event) -> int:
        body = orjson.dumps({"topic": event.topic, "data": event.data})
        async with asyncio.timeout(REDIS_TIMEOUT_S):
            return int(await self.redis.publish(self._prefix + event.topic, body))

    async def ready(self, topic: str) -> None:
        wanted = self._wanted.get(topic)
        if wanted is not None:
            async with asyncio.timeout(REDIS_TIMEOUT_S):
                await asyncio.shield(wanted)

    def _first(self, topic: str) -> None:
        self._wanted[topic] = asyncio.get_running_loop().create_future()
        self._changes.put_nowait(topic)
        self._start()

    def _last(self, topic: str) -> None:
        wanted = self._wanted.pop(topic, None)
        if wanted is not None and not wanted.done():
            wanted.cancel()
        self._changes.put_nowait(topic)

    def _start(self) -> None:
        if self._syncer is None and not self._tasks.closed:
            self._syncer = self._tasks.start(self._sync(), name="redis bus subscriptions")

    async def _sync(self) -> None:
        """Bring the Redis channels in line with the wanted topics, one change at a time
        (subscribing is asynchronous; the fan-out registers synchronously)."""
        while True:
            topic = await self._changes.get()
            channel = self._prefix + topic
            subscribed = channel.encode() in self._pubsub.channels
            wanted = self._wanted.get(topic)
            try:
                async with asyncio.timeout(REDIS_TIMEOUT_S):
                    if wanted is not None and not subscribed:
                        await self._pubsub.subscribe(channel)
                    elif wanted is None and subscribed:
                        await self._pubsub.unsubscribe(channel)
            except (TimeoutError, OSError) as exc:
                log.warning("redis bus: could not (un)subscribe %s: %s", topic, exc)
                if wanted is not None and not wanted.done():
                    wanted.set_exception(BusClosedError(f"the event bus is unreachable: {exc}"))
                continue
            if self._reader is None and self._pubsub.subscribed:
                self._reader = self._tasks.start(self._read(), name="redis bus reader")

    async def _read(self) -> None:
        while True:
            if not self._pubsub.subscribed:
                await asyncio.sleep(0.05)  # every channel left; the next subscribe resumes
                continue
            message = await self._pubsub.get_message(timeout=1.0)
            if message is None:
                continue
            if message.get("type") == "subscribe":
                # Redis confirmed the channel: publishes from now on reach us.
                topic = bytes(message["channel"]).decode()[len(self._prefix) :]
                wanted = self._wanted.get(topic)
                if wanted is not None and not wanted.done():
                    wanted.set_result(None)
                continue
            if message.get("type") != "message":
                continue
            try:
                body = orjson.loads(message["data"])
                event = Event(topic=str(body["topic"]), data=dict(body["data"]))
            except (orjson.JSONDecodeError, KeyError, TypeError, ValueError) as exc:
                log.warning("redis bus: ignored a malformed message: %s", exc)
                continue
            self.deliver(event)

    async def close(self, reason: str = "the server is shutting down") -> None:
        self.end_all(reason)
        if self._closed:
            return
        self._closed = True
        for future in (self._reader, self._syncer):
            if future is not None:
                future.cancel()
        await self._pubsub.aclose()  # type: ignore[no-untyped-call]
        await self.redis.aclose()


def _drop(queue: asyncio.Queue[Any]) -> None:
    """Replace what the subscriber had not read (lost anyway) with the drop marker."""
    while not queue.empty():
        queue.get_nowait()
    queue.put_nowait(_DROPPED)
