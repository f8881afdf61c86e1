"""Occupancy hierarchy types: Space → Room → Sensor (Butlr), with live and historical occupancy."""

from __future__ import annotations

from datetime import datetime
from enum import Enum
from typing import TYPE_CHECKING, Annotated

import strawberry
import strawberry.federation
from strawberry import relay

from concierge.resolvers import access, occupancy
from concierge.resolvers.occupancy import (
    HiveView,
    OccupancyView,
    RoomView,
    SampleView,
    SensorView,
    SpaceView,
    ZoneView,
)
from concierge.schema.context import Info
from concierge.schema.federation import Entity
from concierge.schema.graph import objects, one

if TYPE_CHECKING:
    from concierge.schema.access import Building


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

    @classmethod
    def of(cls, view: OccupancyView) -> Occupancy:
        return cls(
            count=view.count,
            capacity=view.capacity,
            as_of=view.as_of,
            quality=OccupancyQuality(view.quality),
        )


@strawberry.type(description="One window of an occupancy history.")
class OccupancySample:
    time: datetime
    value: float

    @classmethod
    def of(cls, view: SampleView) -> OccupancySample:
        return cls(time=view.time, value=view.value)


@strawberry.federation.type(keys=["id"], description="A Butlr heat sensor.")
class Sensor(Entity, relay.Node):
    key: relay.NodeID[str]
    view: strawberry.Private[SensorView]
    # Plain attributes, not resolvers: lists resolve these for every item.
    name: str
    mac_address: str
    mode: str = strawberry.field(description="activity, headcount or repeater.")
    battery_percent: float | None
    battery_low: bool | None
    last_heartbeat: datetime | None

    @strawberry.field
    async def room(self, info: Info) -> Room | None:
        return one(info, Room, await occupancy.room(info.context, self.view.room_id))

    @strawberry.field
    async def hive(self, info: Info) -> Hive | None:
        return one(info, Hive, await occupancy.hive(info.context, self.view.hive_id))

    @classmethod
    def of(cls, view: SensorView) -> Sensor:
        return cls(
            key=view.key,
            view=view,
            name=view.name,
            mac_address=view.mac_address,
            mode=view.mode,
            battery_percent=view.battery_percent,
            battery_low=view.battery_low,
            last_heartbeat=view.last_heartbeat,
        )


@strawberry.federation.type(
    keys=["id"], description="A Butlr hive: the base station its sensors report through."
)
class Hive(Entity, relay.Node):
    key: relay.NodeID[str]
    view: strawberry.Private[HiveView]

    @strawberry.field
    def serial_number(self) -> str:
        return self.view.serial_number

    @classmethod
    def of(cls, view: HiveView) -> Hive:
        return cls(key=view.key, view=view)


@strawberry.federation.type(keys=["id"], description="A room of a Butlr space.")
class Room(Entity, relay.Node):
    key: relay.NodeID[str]
    view: strawberry.Private[RoomView]

    @strawberry.field
    def name(self) -> str:
        return self.view.name

    @strawberry.field(description="Butlr's room-type key, e.g. gym or laundry.")
    def type(self) -> str:
        return self.view.type

    @strawberry.field
    def capacity(self) -> int:
        return int(self.view.capacity)

    @strawberry.field
    async def space(self, info: Info) -> Space | None:
        return one(info, Space, await occupancy.space(info.context, self.view.space_id))

    @strawberry.field(description="The building this room is in, by the site map.")
    async def building(
        self, info: Info
    ) -> Annotated[Building, strawberry.lazy("concierge.schema.access")] | None:
        from concierge.schema.access import Building

        building_id = occupancy.room_building_id(info.context, self.view)
        return one(info, Building, await access.building(info.context, building_id))

    @strawberry.field
    async def sensors(self, info: Info) -> list[Sensor]:
        return objects(info, Sensor, await occupancy.room_sensors(info.context, self.view))

    @strawberry.field(description="Current occupancy; null when Butlr has no recent sample.")
    async def occupancy(self, info: Info) -> Occupancy | None:
        found = await occupancy.room_occupancy(info.context, self.view)
        return Occupancy.of(found) if found is not None else None

    @strawberry.field(description="Occupancy over a window, one value per `everyMinutes`.")
    async def occupancy_history(
        self,
        info: Info,
        since: datetime,
        until: datetime | None = None,
        every_minutes: int = 5,
        aggregation: OccupancyAggregation = OccupancyAggregation.MAX,
    ) -> list[OccupancySample]:
        samples = await occupancy.history(
            info.context,
            room=self.view,
            since=since,
            until=until,
            every_minutes=every_minutes,
            aggregation=aggregation.value,
        )
        return [OccupancySample.of(s) for s in samples]

    @classmethod
    def of(cls, view: RoomView) -> Room:
        return cls(key=view.key, view=view)


@strawberry.type(description="A Butlr zone: an area of a space, optionally inside one room.")
class Zone:
    view: strawberry.Private[ZoneView]

    @strawberry.field
    def id(self) -> strawberry.ID:
        return strawberry.ID(self.view.id)

    @strawberry.field
    def name(self) -> str:
        return self.view.name

    @strawberry.field
    def type(self) -> str | None:
        return self.view.type

    @strawberry.field
    def capacity(self) -> int:
        return int(self.view.capacity)

    @strawberry.field
    async def room(self, info: Info) -> Room | None:
        return one(info, Room, await occupancy.room(info.context, self.view.room_id))

    @classmethod
    def of(cls, view: ZoneView) -> Zone:
        return cls(view=view)


@strawberry.federation.type(
    keys=["id"], description="A Butlr space: one floor plan of rooms, sensors and hives."
)
class Space(Entity, relay.Node):
    key: relay.NodeID[str]
    view: strawberry.Private[SpaceView]

    @strawberry.field
    def name(self) -> str:
        return self.view.name

    @strawberry.field
    def capacity(self) -> int:
        return int(self.view.capacity)

    @strawberry.field
    def time_zone(self) -> str | None:
        return self.view.time_zone

    @strawberry.field
    def rooms(self, info: Info) -> list[Room]:
        return objects(info, Room, self.view.rooms)

    @strawberry.field
    async def zones(self, info: Info) -> list[Zone]:
        return objects(info, Zone, await occupancy.zones(info.context, self.view))

    @strawberry.field
    def hives(self, info: Info) -> list[Hive]:
        return objects(info, Hive, self.view.hives)

    @strawberry.field
    async def building(
        self, info: Info
    ) -> Annotated[Building, strawberry.lazy("concierge.schema.access")] | None:
        from concierge.schema.access import Building

        building_id = occupancy.space_building_id(info.context, self.view)
        return one(info, Building, await access.building(info.context, building_id))

    @strawberry.field(description="The sum over the space's rooms.")
    async def occupancy(self, info: Info) -> Occupancy | None:
        found = await occupancy.space_occupancy(info.context, self.view)
        return Occupancy.of(found) if found is not None else None

    @strawberry.field(description="Occupancy of the whole space over a window.")
    async def occupancy_history(
        self,
        info: Info,
        since: datetime,
        until: datetime | None = None,
        every_minutes: int = 5,
        aggregation: OccupancyAggregation = OccupancyAggregation.MAX,
    ) -> list[OccupancySample]:
        samples = await occupancy.history(
            info.context,
            space=self.view,
            since=since,
            until=until,
            every_minutes=every_minutes,
            aggregation=aggregation.value,
        )
        return [OccupancySample.of(s) for s in samples]

    @classmethod
    def of(cls, view: SpaceView) -> Space:
        return cls(key=view.key, view=view)
