"""Occupancy hierarchy types: Space → Room → Sensor (Butlr), with live and historical occupancy."""

from __future__ import annotations

import asyncio
from collections.abc import Iterable
from datetime import UTC, datetime, timedelta
from enum import Enum
from typing import TYPE_CHECKING, Annotated

import strawberry
import strawberry.federation
from strawberry import relay

from connectors.butlr.occupancy import RoomOccupancy
from connectors.butlr.rooms import Room as ButlrRoom
from connectors.butlr.sensors import Hive as ButlrHive
from connectors.butlr.sensors import Sensor as ButlrSensor
from connectors.butlr.spaces import Space as ButlrSpace
from connectors.butlr.zones import Zone as ButlrZone
from schema.context import Info, selected_names, vendor_id
from schema.federation import Entity

if TYPE_CHECKING:
    from schema.access import Building

# A sample older than this is reported as STALE.
FRESH_FOR = timedelta(minutes=3)


@strawberry.enum(description="How far to trust an occupancy figure.")
class OccupancyQuality(Enum):
    LIVE = "LIVE"  # a recent sample for every room counted
    STALE = "STALE"  # the newest sample is older than a few minutes
    PARTIAL = "PARTIAL"  # some rooms of a space have no recent sample; they count as 0


@strawberry.enum(description="How samples inside one window are combined.")
class OccupancyAggregation(Enum):
    MAX = "max"
    MIN = "min"
    MEAN = "mean"
    MEDIAN = "median"
    LAST = "last"


@strawberry.type(description="How many people are in a room or space.")
class Occupancy:
    count: int
    capacity: int | None
    as_of: datetime = strawberry.field(description="When the newest counted sample was taken.")
    quality: OccupancyQuality


@strawberry.type(description="One window of an occupancy history.")
class OccupancySample:
    time: datetime
    value: float


def _occupancy(samples: list[RoomOccupancy | None], capacity: float | None) -> Occupancy | None:
    present = [s for s in samples if s is not None]
    if not present:
        return None
    as_of = max(s.sampled_at for s in present)
    if len(present) < len(samples):
        quality = OccupancyQuality.PARTIAL
    elif datetime.now(UTC) - as_of > FRESH_FOR:
        quality = OccupancyQuality.STALE
    else:
        quality = OccupancyQuality.LIVE
    return Occupancy(
        count=sum(s.count for s in present),
        capacity=int(capacity) if capacity else None,
        as_of=as_of,
        quality=quality,
    )


async def _history(
    info: Info,
    *,
    room_ids: list[str] | None,
    space_ids: list[str] | None,
    key: str,
    since: datetime,
    until: datetime | None,
    every_minutes: int,
    aggregation: OccupancyAggregation,
) -> list[OccupancySample]:
    series = await info.context.services.butlr.occupancy.get_history(
        start=since,
        stop=until,
        room_ids=room_ids,
        space_ids=space_ids,
        every=timedelta(minutes=every_minutes),
        function=aggregation.value,
        per="room" if room_ids else "space",
    )
    return [OccupancySample(time=p.time, value=p.value) for p in series.get(key, ())]


@strawberry.federation.type(keys=["id"], description="A Butlr heat sensor.")
class Sensor(Entity, relay.Node):
    key: relay.NodeID[str]
    record: strawberry.Private[ButlrSensor]
    # Plain attributes, not resolvers: lists resolve these for every item.
    name: str
    mac_address: str
    mode: str = strawberry.field(description="activity, headcount or repeater.")
    battery_percent: float | None
    battery_low: bool | None
    last_heartbeat: datetime | None

    @strawberry.field
    async def room(self, info: Info) -> Room | None:
        if self.record.room_id is None:
            return None
        record = await info.context.occupancy.room.load(self.record.room_id)
        return Room.of(record) if record is not None else None

    @strawberry.field
    async def hive(self, info: Info) -> Hive | None:
        if self.record.hive_id is None:
            return None
        record = await info.context.occupancy.hive.load(self.record.hive_id)
        return Hive.of(record) if record is not None else None

    @classmethod
    def of(cls, record: ButlrSensor) -> Sensor:
        return cls(
            key=f"butlr:{record.id}",
            record=record,
            name=record.name,
            mac_address=record.mac_address,
            mode=record.mode,
            battery_percent=record.battery_percent,
            battery_low=record.battery_low,
            last_heartbeat=record.last_heartbeat,
        )

    @classmethod
    async def resolve_nodes(
        cls, *, info: Info, node_ids: Iterable[str], required: bool = False
    ) -> list[Sensor | None]:
        records = await info.context.occupancy.sensor.load_many([vendor_id(n) for n in node_ids])
        return [cls.of(r) if r is not None else None for r in records]


@strawberry.federation.type(
    keys=["id"], description="A Butlr hive: the base station its sensors report through."
)
class Hive(Entity, relay.Node):
    key: relay.NodeID[str]
    record: strawberry.Private[ButlrHive]

    @strawberry.field
    def serial_number(self) -> str:
        return self.record.serial_number

    @classmethod
    def of(cls, record: ButlrHive) -> Hive:
        return cls(key=f"butlr:{record.id}", record=record)

    @classmethod
    async def resolve_nodes(
        cls, *, info: Info, node_ids: Iterable[str], required: bool = False
    ) -> list[Hive | None]:
        records = await info.context.occupancy.hive.load_many([vendor_id(n) for n in node_ids])
        return [cls.of(r) if r is not None else None for r in records]


@strawberry.federation.type(keys=["id"], description="A room of a Butlr space.")
class Room(Entity, relay.Node):
    key: relay.NodeID[str]
    record: strawberry.Private[ButlrRoom]

    @strawberry.field
    def name(self) -> str:
        return self.record.name

    @strawberry.field(description="Butlr's room-type key, e.g. gym or laundry.")
    def type(self) -> str:
        return self.record.type

    @strawberry.field
    def capacity(self) -> int:
        return int(self.record.capacity)

    @strawberry.field
    async def space(self, info: Info) -> Space | None:
        record = await info.context.occupancy.space.load(self.record.space_id)
        return Space.of(record) if record is not None else None

    @strawberry.field(description="The building this room is in, by the site map.")
    async def building(
        self, info: Info
    ) -> Annotated[Building, strawberry.lazy("schema.access")] | None:
        from schema.access import Building

        site = info.context.services.site_map
        entry = site.room(self.record.id)
        building_id = entry.building_id if entry else site.building_for_space(self.record.space_id)
        if building_id is None:
            return None
        record = await info.context.access.building.load(building_id)
        return Building.of(record) if record is not None else None

    @strawberry.field
    async def sensors(self, info: Info) -> list[Sensor]:
        return [
            Sensor.of(s)
            for s in await info.context.occupancy.sensors_of_room(
                self.record.space_id, self.record.id
            )
        ]

    @strawberry.field(description="Current occupancy; null when Butlr has no recent sample.")
    async def occupancy(self, info: Info) -> Occupancy | None:
        sample = await info.context.occupancy.current.load(self.record.id)
        return _occupancy([sample], self.record.capacity)

    @strawberry.field(description="Occupancy over a window, one value per `everyMinutes`.")
    async def occupancy_history(
        self,
        info: Info,
        since: datetime,
        until: datetime | None = None,
        every_minutes: int = 5,
        aggregation: OccupancyAggregation = OccupancyAggregation.MAX,
    ) -> list[OccupancySample]:
        return await _history(
            info,
            room_ids=[self.record.id],
            space_ids=None,
            key=self.record.id,
            since=since,
            until=until,
            every_minutes=every_minutes,
            aggregation=aggregation,
        )

    @classmethod
    def of(cls, record: ButlrRoom) -> Room:
        return cls(key=f"butlr:{record.id}", record=record)

    @classmethod
    async def resolve_nodes(
        cls, *, info: Info, node_ids: Iterable[str], required: bool = False
    ) -> list[Room | None]:
        records = await info.context.occupancy.room.load_many([vendor_id(n) for n in node_ids])
        return [cls.of(r) if r is not None else None for r in records]


@strawberry.type(description="A Butlr zone: an area of a space, optionally inside one room.")
class Zone:
    record: strawberry.Private[ButlrZone]

    @strawberry.field
    def id(self) -> strawberry.ID:
        return strawberry.ID(self.record.id)

    @strawberry.field
    def name(self) -> str:
        return self.record.name

    @strawberry.field
    def type(self) -> str | None:
        return self.record.type

    @strawberry.field
    def capacity(self) -> int:
        return int(self.record.capacity)

    @strawberry.field
    async def room(self, info: Info) -> Room | None:
        if self.record.room_id is None:
            return None
        record = await info.context.occupancy.room.load(self.record.room_id)
        return Room.of(record) if record is not None else None


@strawberry.federation.type(
    keys=["id"], description="A Butlr space: one floor plan of rooms, sensors and hives."
)
class Space(Entity, relay.Node):
    key: relay.NodeID[str]
    record: strawberry.Private[ButlrSpace]

    @strawberry.field
    def name(self) -> str:
        return self.record.name

    @strawberry.field
    def capacity(self) -> int:
        return int(self.record.capacity)

    @strawberry.field
    def time_zone(self) -> str | None:
        return self.record.timezone

    @strawberry.field
    def rooms(self) -> list[Room]:
        return [Room.of(r) for r in self.record.rooms]

    @strawberry.field
    async def zones(self, info: Info) -> list[Zone]:
        return [
            Zone(record=z) for z in await info.context.occupancy.zones_by_space.load(self.record.id)
        ]

    @strawberry.field
    def hives(self) -> list[Hive]:
        return [Hive.of(h) for h in self.record.hives]

    @strawberry.field
    async def building(
        self, info: Info
    ) -> Annotated[Building, strawberry.lazy("schema.access")] | None:
        from schema.access import Building

        building_id = info.context.services.site_map.building_for_space(self.record.id)
        if building_id is None:
            return None
        record = await info.context.access.building.load(building_id)
        return Building.of(record) if record is not None else None

    @strawberry.field(description="The sum over the space's rooms.")
    async def occupancy(self, info: Info) -> Occupancy | None:
        samples = await info.context.occupancy.current.load_many([r.id for r in self.record.rooms])
        return _occupancy(samples, self.record.capacity)

    @strawberry.field(description="Occupancy of the whole space over a window.")
    async def occupancy_history(
        self,
        info: Info,
        since: datetime,
        until: datetime | None = None,
        every_minutes: int = 5,
        aggregation: OccupancyAggregation = OccupancyAggregation.MAX,
    ) -> list[OccupancySample]:
        return await _history(
            info,
            room_ids=None,
            space_ids=[self.record.id],
            key=self.record.id,
            since=since,
            until=until,
            every_minutes=every_minutes,
            aggregation=aggregation,
        )

    @classmethod
    def of(cls, record: ButlrSpace) -> Space:
        return cls(key=f"butlr:{record.id}", record=record)

    @classmethod
    async def resolve_nodes(
        cls, *, info: Info, node_ids: Iterable[str], required: bool = False
    ) -> list[Space | None]:
        records = await info.context.occupancy.space.load_many([vendor_id(n) for n in node_ids])
        return [cls.of(r) if r is not None else None for r in records]


async def spaces_of_building(info: Info, building_id: str) -> list[Space]:
    entry = info.context.services.site_map.building(building_id)
    if entry is None or not entry.butlr_space_ids:
        return []
    loaders = info.context.occupancy
    space_ids = list(entry.butlr_space_ids)
    prefetch: asyncio.Task[None] | None = None
    if "occupancy" in selected_names(info):
        prefetch = asyncio.ensure_future(loaders.prefetch_current(space_ids))
    try:
        records = await loaders.space.load_many(space_ids)
    except BaseException:
        if prefetch is not None:
            prefetch.cancel()  # no spaces, no occupancy fields: don't wait for it
        raise
    if prefetch is not None:
        # A failed prefetch is reported by the occupancy fields themselves.
        await asyncio.gather(prefetch, return_exceptions=True)
    return [Space.of(r) for r in records if r is not None]
