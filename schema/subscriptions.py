"""The Subscription root: call status, new calls, occupancy, door events, unlock progress."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncGenerator, Awaitable, Callable
from dataclasses import replace
from datetime import datetime
from enum import Enum
from typing import Any, TypeVar

import strawberry
from graphql import GraphQLError
from strawberry import relay

from concierge.resolvers import activity, live, nodes, occupancy
from concierge.resolvers.activity import DoorReleaseView
from concierge.resolvers.bus import BusClosedError, SubscriberTooSlowError
from concierge.resolvers.checks import admitted_one
from concierge.resolvers.events import (
    DOOR_EVENT_KINDS,
    attempt_topic,
    building_calls_topic,
    building_doors_topic,
    door_topic,
    occupancy_topic,
)
from concierge.resolvers.store.records import TERMINAL_ATTEMPT_STATUSES
from concierge.schema.activity import Call
from concierge.schema.attempts import UnlockAttempt
from concierge.schema.context import Info
from concierge.schema.doors import Door
from concierge.schema.graph import one
from concierge.schema.occupancy import OccupancyQuality, Room, Space

T = TypeVar("T")


@strawberry.enum(description="What happened at a door, in one vocabulary across vendors.")
class DoorEventKind(Enum):
    RELEASED = "RELEASED"
    UNLOCKED = "UNLOCKED"
    LOCKED = "LOCKED"
    ACCESS_DENIED = "ACCESS_DENIED"
    BATTERY_LOW = "BATTERY_LOW"
    ONLINE = "ONLINE"
    OFFLINE = "OFFLINE"


# The bus's vocabulary (resolvers.events) is the source: a kind added there must be added here.
assert tuple(k.value for k in DoorEventKind) == DOOR_EVENT_KINDS


def _error(message: str, code: str) -> GraphQLError:
    return GraphQLError(message, extensions={"code": code})


async def _target(info: Info, global_id: str, types: tuple[str, ...]) -> tuple[str, Any]:
    """(node key, view) of the object `global_id` names; a typed error when it is malformed,
    of another type, unknown, or not visible (the checks choke point)."""
    try:
        gid = relay.GlobalID.from_id(global_id)
    except relay.GlobalIDValueError as exc:
        raise _error(f"{global_id!r} is not a valid ID", "INVALID_ID") from exc
    if gid.type_name not in types:
        raise _error(
            f"{global_id!r} is a {gid.type_name} ID; expected {' or '.join(types)}", "INVALID_ID"
        )
    views = await nodes.load(info.context, gid.type_name, [gid.node_id], set())
    cls = _CLASSES[gid.type_name]
    if views[0] is None or one(info, cls, views[0]) is None:
        raise _error(f"no {gid.type_name} with ID {global_id!r}", "NOT_FOUND")
    return gid.node_id, views[0]


async def _either(
    info: Info, first: tuple[str, str | None], second: tuple[str, str | None]
) -> tuple[str, str, Any]:
    """Exactly one of two (type, ID) arguments: (the type given, node key, view)."""
    (one_type, one_id), (other_type, other_id) = first, second
    if (one_id is None) == (other_id is None):
        lower = [t[0].lower() + t[1:] for t in (one_type, other_type)]
        raise _error(f"give exactly one of {lower[0]}Id and {lower[1]}Id", "INVALID_INPUT")
    type_name, global_id = (one_type, one_id) if one_id is not None else (other_type, other_id)
    assert global_id is not None
    key, view = await _target(info, str(global_id), (type_name,))
    return type_name, key, view


def _classes() -> dict[str, Any]:
    from concierge.schema.access import Building

    return {
        "Building": Building,
        "Door": Door,
        "Room": Room,
        "Space": Space,
        "Call": Call,
        "UnlockAttempt": UnlockAttempt,
    }


class _Lazy(dict[str, Any]):
    def __missing__(self, key: str) -> Any:
        self.update(_classes())
        return self[key]


_CLASSES: dict[str, Any] = _Lazy()


async def _stream(
    info: Info,
    topic: str,
    build: Callable[[dict[str, Any]], Awaitable[T | None]],
    *,
    poll: live.Poll | None = None,
    done: Callable[[dict[str, Any]], bool] = lambda data: False,
) -> AsyncGenerator[T, None]:
    """Each payload on `topic` (the last known first), resolved by `build` with fresh loaders."""
    services = info.context.services
    sub = services.bus.subscribe(topic, max_queued=services.live.subscriber_queue)
    leave = services.pollers.hold(poll) if poll is not None else None
    try:
        await sub.ready()
        first = await services.leases.last(topic) if poll is not None else None
        pending = [first] if first is not None else []
        last: dict[str, Any] | None = None
        while True:
            try:
                data = pending.pop() if pending else (await anext(sub)).data
            except SubscriberTooSlowError as exc:
                raise _error(str(exc), "SUBSCRIBER_TOO_SLOW") from exc
            except BusClosedError as exc:
                raise _error(str(exc), "SHUTTING_DOWN") from exc
            if data == last:
                continue
            last = data
            info.context.next_event()  # nested fields read current data, with a fresh budget
            value = await build(data)
            if value is not None:
                yield value
            if done(data):
                return
    finally:
        sub.close()
        if leave is not None:
            leave()


@strawberry.type(description="One status of an intercom call.")
class CallStatusEvent:
    status: str = strawberry.field(description="ButterflyMX's status, e.g. initializing.")
    occurred_at: datetime
    terminal: bool = strawberry.field(description="No further status follows.")
    call_key: strawberry.Private[str]

    @strawberry.field(description="The call as it is now.")
    async def call(self, info: Info) -> Call | None:
        view = (await activity.calls_by_id(info.context, [self.call_key]))[0]
        return one(info, Call, replace(view, status=self.status) if view else None)


@strawberry.type(description="A room's or space's occupancy as it changes.")
class OccupancyEvent:
    count: int
    capacity: int | None
    as_of: datetime
    quality: OccupancyQuality
    kind: strawberry.Private[str]
    key: strawberry.Private[str]

    @strawberry.field
    async def room(self, info: Info) -> Room | None:
        if self.kind != "room":
            return None
        return one(info, Room, (await occupancy.rooms_by_id(info.context, [self.key]))[0])

    @strawberry.field
    async def space(self, info: Info) -> Space | None:
        if self.kind != "space":
            return None
        return one(info, Space, (await occupancy.spaces_by_id(info.context, [self.key]))[0])


@strawberry.type(description="Something that happened at a door (any vendor).")
class DoorEvent:
    id: strawberry.ID = strawberry.field(description="Stable across deliveries.")
    kind: DoorEventKind
    occurred_at: datetime
    vendor: str
    vendor_type: str = strawberry.field(description="The vendor's own event type.")
    method: str | None
    actor: str | None
    door_key: strawberry.Private[str]

    @strawberry.field(description="The door as it is now.")
    async def door(self, info: Info) -> Door | None:
        from concierge.resolvers import doors

        return one(info, Door, (await doors.doors_by_id(info.context, [self.door_key]))[0])


# Streams of a state (not of events): a subscriber joining one already running gets its
# latest value at once, as a fresh subscription starts with the current one.
REPLAYS_CURRENT = frozenset({"callStatus", "occupancy", "unlockAttempt"})


def _when(text: str) -> datetime:
    return datetime.fromisoformat(text.replace("Z", "+00:00"))


async def _hears(info: Info, data: dict[str, Any]) -> bool:
    """A building's stream carries every door's events: each one passes the checks of its
    own door, so a tenant hears only the doors they may see. A release that names no door
    (ButterflyMX's, other than our own unlocks) is a release record of the building:
    building staff hear it, residents do not (`DoorRelease`'s own checks, under the
    building that passed)."""
    (door,) = await nodes.load(info.context, "Door", [data["door_key"]], set())
    if door is not None:
        return one(info, Door, door) is not None
    if data["kind"] != "RELEASED":
        return False
    release = DoorReleaseView(
        key=data["id"],
        release_method=data.get("method") or "",
        release_type=None,
        name=data.get("actor"),
        call_guid=None,
        created_at=_when(data["occurred_at"]),
    )
    return admitted_one(info.context.checks, release, nested=True) is not None


@strawberry.type
class Subscription:
    @strawberry.subscription(
        description="Each status of an intercom call, completing at a terminal status."
    )
    async def call_status(
        self, info: Info, call_id: strawberry.ID
    ) -> AsyncGenerator[CallStatusEvent, None]:
        key, _ = await _target(info, call_id, ("Call",))
        poll = live.call_poll(info.context.services, key, None, None)

        async def build(data: dict[str, Any]) -> CallStatusEvent:
            return CallStatusEvent(
                status=data["status"],
                occurred_at=_when(data["occurred_at"]),
                terminal=bool(data["terminal"]),
                call_key=data["call_key"],
            )

        async for event in _stream(
            info, poll.topic, build, poll=poll, done=lambda d: bool(d["terminal"])
        ):
            yield event

    @strawberry.subscription(description="New intercom calls in a building (webhook-fed).")
    async def calls(
        self, info: Info, building_id: strawberry.ID
    ) -> AsyncGenerator[CallStatusEvent, None]:
        key, _ = await _target(info, building_id, ("Building",))

        async def build(data: dict[str, Any]) -> CallStatusEvent:
            return CallStatusEvent(
                status=data["status"],
                occurred_at=_when(data["occurred_at"]),
                terminal=bool(data["terminal"]),
                call_key=data["call_key"],
            )

        async for event in _stream(info, building_calls_topic(key), build):
            yield event

    @strawberry.subscription(
        description="A room's or a space's occupancy: the current figure, then each change."
    )
    async def occupancy(
        self,
        info: Info,
        room_id: strawberry.ID | None = None,
        space_id: strawberry.ID | None = None,
    ) -> AsyncGenerator[OccupancyEvent, None]:
        given, _, view = await _either(info, ("Room", room_id), ("Space", space_id))
        kind = given.lower()
        capacity = int(view.capacity) if view.capacity else None
        poll = live.occupancy_poll(info.context.services, kind, view.key, capacity)

        async def build(data: dict[str, Any]) -> OccupancyEvent:
            return OccupancyEvent(
                count=int(data["count"]),
                capacity=data["capacity"],
                as_of=_when(data["as_of"]),
                quality=OccupancyQuality(data["quality"]),
                kind=kind,
                key=view.key,
            )

        async for event in _stream(info, occupancy_topic(kind, view.key), build, poll=poll):
            yield event

    @strawberry.subscription(description="Door events of one building or one door.")
    async def door_events(
        self,
        info: Info,
        building_id: strawberry.ID | None = None,
        door_id: strawberry.ID | None = None,
    ) -> AsyncGenerator[DoorEvent, None]:
        given, key, _ = await _either(info, ("Building", building_id), ("Door", door_id))
        topic = door_topic(key) if given == "Door" else building_doors_topic(key)

        async def build(data: dict[str, Any]) -> DoorEvent | None:
            if building_id is not None and not await _hears(info, data):
                return None
            return DoorEvent(
                id=strawberry.ID(data["id"]),
                kind=DoorEventKind(data["kind"]),
                occurred_at=_when(data["occurred_at"]),
                vendor=data["vendor"],
                vendor_type=data["vendor_type"],
                method=data.get("method"),
                actor=data.get("actor"),
                door_key=data["door_key"],
            )

        async for event in _stream(info, topic, build):
            yield event

    @strawberry.subscription(
        description="An unlock attempt: its current state, then each change, until it settles."
    )
    async def unlock_attempt(
        self, info: Info, id: strawberry.ID
    ) -> AsyncGenerator[UnlockAttempt, None]:
        key, _ = await _target(info, id, ("UnlockAttempt",))
        services = info.context.services
        sub = services.bus.subscribe(attempt_topic(key))
        try:
            await sub.ready()
            last: str | None = None
            while True:
                info.context.next_event()
                current = (await nodes.load(info.context, "UnlockAttempt", [key], set()))[0]
                attempt = one(info, UnlockAttempt, current)
                if attempt is None:
                    return
                if current.status != last:
                    last = current.status
                    yield attempt
                if current.status in TERMINAL_ATTEMPT_STATUSES:
                    return
                # An attempt event wakes us at once; the store is read again regardless,
                # so progress shows even where nobody publishes.
                try:
                    async with asyncio.timeout(services.live.attempt_poll_s):
                        await anext(sub)
                except TimeoutError:
                    pass
                except SubscriberTooSlowError:
                    sub = services.bus.subscribe(attempt_topic(key))
                except BusClosedError as exc:
                    raise _error(str(exc), "SHUTTING_DOWN") from exc
        finally:
            sub.close()
