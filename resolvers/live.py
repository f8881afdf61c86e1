"""Subscription-side logic: vendor pollers that publish changes on the bus, shared by
every subscriber (and, with Redis, every replica) through a lease.

A poller runs while any local subscriber holds it. Each interval it asks its lease (Redis
`SET NX PX`, renewed by the holder; always granted in-process) and only the holder polls,
so N subscribers on M replicas cost one vendor call per interval. A change is published
on the bus and remembered (`last`) so a new subscriber starts from the current value
without a vendor call. A transient vendor failure keeps the last good value, republished
once with quality STALE; a 429 waits out its `Retry-After`.
"""

from __future__ import annotations

import asyncio
import logging
import secrets
import time
from collections.abc import Awaitable, Callable
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any, Protocol

import orjson
from cachetools import TTLCache

from concierge.connectors.errors import VendorError, VendorRateLimitedError
from concierge.connectors.policy import set_deadline
from concierge.resolvers.bus import REDIS_TIMEOUT_S, Event, EventBus
from concierge.resolvers.events import CallEventData, OccupancyData, call_topic, occupancy_topic
from concierge.resolvers.ids import vendor_id
from concierge.resolvers.tasks import BackgroundTasks

if TYPE_CHECKING:
    from redis.asyncio import Redis

    from concierge.resolvers.services import Services

log = logging.getLogger(__name__)

# ButterflyMX call statuses after which no other follows (see sandbox/butterflymx/activity.py
# for the order the reference leaves open). A mobile call answered in the app stays at
# `connecting_sip`: it ends after `call_max_live_s` without a change.
TERMINAL_CALL_STATUSES = frozenset(
    {"voip_connected", "voip_rollover", "rejected", "canceled", "timeout_online_signal"}
)
POLL_BUDGET_S = 5.0  # vendor time of one poll, retries included


@dataclass(frozen=True)
class LivePolicy:
    occupancy_poll_s: float = 5.0
    call_poll_s: float = 1.0
    call_max_live_s: float = 300.0
    attempt_poll_s: float = 1.0  # store reads, in case no attempt event is published
    subscriber_queue: int = 100


class Leases(Protocol):
    async def acquire(self, key: str, ttl_s: float) -> bool:
        """True when this replica holds (or renewed) the lease on `key`."""
        ...

    async def release(self, key: str) -> None: ...

    async def last(self, topic: str) -> dict[str, Any] | None:
        """The last payload published on `topic` by a poller, if remembered."""
        ...

    async def remember(self, topic: str, data: dict[str, Any], ttl_s: float) -> None:
        """Keep `data` as `topic`'s last value for `ttl_s` (a few poll intervals: older than
        that, the next poll gives a fresher one)."""
        ...


class LocalLeases:
    """One replica: every lease is granted; last values live in memory (bounded)."""

    def __init__(self) -> None:
        self._last: TTLCache[str, tuple[float, dict[str, Any]]] = TTLCache(maxsize=10_000, ttl=3600)

    async def acquire(self, key: str, ttl_s: float) -> bool:
        return True

    async def release(self, key: str) -> None:
        return None

    async def last(self, topic: str) -> dict[str, Any] | None:
        entry = self._last.get(topic)
        return entry[1] if entry is not None and entry[0] > time.monotonic() else None

    async def remember(self, topic: str, data: dict[str, Any], ttl_s: float) -> None:
        self._last[topic] = (time.monotonic() + ttl_s, data)


# Renew only a lease we hold; take it when nobody does.
_ACQUIRE = """
local v = redis.call('GET', KEYS[1])
if v == ARGV[1] then redis.call('PEXPIRE', KEYS[1], ARGV[2]) return 1 end
if v then return 0 end
redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2]) return 1
"""
_RELEASE = "if redis.call('GET', KEYS[1]) == ARGV[1] then redis.call('DEL', KEYS[1]) end return 0"


class RedisLeases:
    """Leases and last values in Redis, shared by every replica on it."""

    def __init__(self, redis: Redis, namespace: str = "concierge") -> None:
        self._namespace = namespace  # `cache_namespace`: deployments sharing a Redis
        self._redis = redis
        self._token = secrets.token_hex(8)  # this replica

    async def acquire(self, key: str, ttl_s: float) -> bool:
        async with asyncio.timeout(REDIS_TIMEOUT_S):
            got = await self._redis.eval(  # type: ignore[misc]
                _ACQUIRE, 1, f"{self._namespace}:lease:{key}", self._token, str(int(ttl_s * 1000))
            )
        return bool(got)

    async def release(self, key: str) -> None:
        async with asyncio.timeout(REDIS_TIMEOUT_S):
            await self._redis.eval(_RELEASE, 1, f"{self._namespace}:lease:{key}", self._token)  # type: ignore[misc]

    async def last(self, topic: str) -> dict[str, Any] | None:
        async with asyncio.timeout(REDIS_TIMEOUT_S):
            raw = await self._redis.get(f"{self._namespace}:last:{topic}")
        return dict(orjson.loads(raw)) if raw else None

    async def remember(self, topic: str, data: dict[str, Any], ttl_s: float) -> None:
        async with asyncio.timeout(REDIS_TIMEOUT_S):
            await self._redis.set(
                f"{self._namespace}:last:{topic}", orjson.dumps(data), px=int(ttl_s * 1000)
            )


@dataclass
class Poll:
    """One watched resource: `fetch` gives its current payload (a dict), or raises."""

    key: str
    topic: str
    fetch: Callable[[], Awaitable[dict[str, Any]]]
    interval_s: float
    stale: Callable[[dict[str, Any]], dict[str, Any]] | None = None  # last good, marked stale
    done: Callable[[dict[str, Any]], bool] = lambda data: False
    holders: int = 0
    polls: int = 0
    task: asyncio.Future[None] | None = None
    last: dict[str, Any] | None = field(default=None)
    failing: bool = False


class Pollers:
    def __init__(self, tasks: BackgroundTasks, bus: EventBus, leases: Leases) -> None:
        self._tasks = tasks
        self._bus = bus
        self.leases = leases
        self._polls: dict[str, Poll] = {}

    def polling(self, key: str) -> bool:
        return key in self._polls

    def running(self) -> dict[str, int]:
        """Pollers running, by what they watch (`occupancy`, `call`)."""
        counts: dict[str, int] = {}
        for key in self._polls:
            kind = key.partition(":")[0]
            counts[kind] = counts.get(kind, 0) + 1
        return counts

    def polls(self, key: str) -> int:
        poll = self._polls.get(key)
        return poll.polls if poll is not None else 0

    def hold(self, poll: Poll) -> Callable[[], None]:
        """Start `poll` (or join the running one of its key); call the result to leave."""
        running = self._polls.get(poll.key)
        if running is None or running.task is None or running.task.done():
            running = poll
            self._polls[poll.key] = poll
            poll.task = self._tasks.start(self._run(poll), name=f"poll {poll.key}")
        running.holders += 1
        left = False

        def leave() -> None:
            nonlocal left
            if left:
                return
            left = True
            running.holders -= 1
            if running.holders <= 0 and self._polls.get(running.key) is running:
                del self._polls[running.key]
                if running.task is not None:
                    running.task.cancel()

        return leave

    async def _run(self, poll: Poll) -> None:
        ttl_s = poll.interval_s * 2 + 1.0
        try:
            while True:
                wait = poll.interval_s
                if await self.leases.acquire(poll.key, ttl_s):
                    wait = await self._poll_once(poll)
                    if poll.last is not None and poll.done(poll.last):
                        return
                await asyncio.sleep(wait)
        finally:
            if not self._tasks.closed:
                self._tasks.start(self._release(poll.key), name=f"release {poll.key}")

    async def _release(self, key: str) -> None:
        try:
            await self.leases.release(key)
        except (TimeoutError, OSError) as exc:
            log.info("lease %s not released (it expires by itself): %s", key, exc)

    async def _poll_once(self, poll: Poll) -> float:
        poll.polls += 1
        # The task was started inside a subscriber's operation and copied its deadline:
        # each poll gets a budget of its own instead.
        set_deadline(POLL_BUDGET_S)
        try:
            data = await poll.fetch()
        except VendorRateLimitedError as exc:
            self._failing(poll, exc)
            return max(poll.interval_s, exc.retry_after or 0.0)
        except VendorError as exc:
            self._failing(poll, exc)
            return poll.interval_s
        if poll.failing:
            log.info("poll of %s recovered", poll.key)
            poll.failing = False
        await self._publish(poll, data)
        return poll.interval_s

    def _failing(self, poll: Poll, exc: VendorError) -> None:
        if not poll.failing:
            log.warning("poll of %s failing, keeping the last value: %s", poll.key, exc)
            poll.failing = True
            if poll.last is not None and poll.stale is not None:
                stale = poll.stale(poll.last)
                self._tasks.start(self._publish(poll, stale), name=f"stale {poll.key}")

    async def _publish(self, poll: Poll, data: dict[str, Any]) -> None:
        if poll.last is None:
            # Another replica may have held the lease before: its last value is ours.
            poll.last = await self.leases.last(poll.topic)
        if data == poll.last:
            return
        poll.last = data
        await self.leases.remember(poll.topic, data, poll.interval_s * 3 + 5.0)
        await self._bus.publish(Event(poll.topic, data))


def now_iso() -> str:
    return datetime.now(UTC).isoformat().replace("+00:00", "Z")


def occupancy_poll(services: Services, kind: str, key: str, capacity: int | None) -> Poll:
    """Butlr's current occupancy of one room or space (one reporting call)."""
    from concierge.resolvers.occupancy import occupancy_view

    butlr_id = vendor_id(key)

    async def fetch() -> dict[str, Any]:
        if kind == "room":
            current = await services.butlr.occupancy.get_current(room_ids=[butlr_id])
            samples = [current.get(butlr_id)]
        else:
            current = await services.butlr.occupancy.get_current(space_ids=[butlr_id])
            samples = list(current.values())
        view = occupancy_view(list(samples), capacity)
        data = OccupancyData(
            kind=kind,
            key=key,
            count=view.count if view else 0,
            capacity=capacity,
            as_of=(view.as_of.isoformat() if view else now_iso()),
            quality=view.quality if view else "STALE",
        )
        return asdict(data)

    def stale(last: dict[str, Any]) -> dict[str, Any]:
        return {**last, "quality": "STALE"}

    return Poll(
        key=f"occupancy:{kind}:{key}",
        topic=occupancy_topic(kind, key),
        fetch=fetch,
        interval_s=services.live.occupancy_poll_s,
        stale=stale,
    )


def call_poll(
    services: Services, call_key: str, building_key: str | None, unit_key: str | None
) -> Poll:
    """A live ButterflyMX call's status, until a terminal one (or `call_max_live_s`)."""
    guid = vendor_id(call_key)
    started = time.monotonic()
    policy = services.live

    async def fetch() -> dict[str, Any]:
        status = await services.butterflymx.calls.get_status(guid)
        over = time.monotonic() - started > policy.call_max_live_s
        at = status.created_at.isoformat() if status.created_at else now_iso()
        data = CallEventData(
            call_key=call_key,
            building_key=building_key,
            unit_key=unit_key,
            status=status.status,
            occurred_at=at,
            terminal=status.status in TERMINAL_CALL_STATUSES or over,
        )
        return asdict(data)

    return Poll(
        key=f"call:{call_key}",
        topic=call_topic(call_key),
        fetch=fetch,
        interval_s=policy.call_poll_s,
        done=lambda data: bool(data.get("terminal")),
    )
