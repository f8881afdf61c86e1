"""The occupancy hierarchy in the graph's vocabulary: spaces, rooms, sensors, hives, zones,
and live and historical occupancy (Butlr)."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from concierge.connectors.butlr.occupancy import RoomOccupancy
from concierge.connectors.butlr.rooms import Room
from concierge.connectors.butlr.sensors import Hive, Sensor
from concierge.connectors.butlr.spaces import Space
from concierge.connectors.butlr.zones import Zone
from concierge.resolvers.context import RequestContext
from concierge.resolvers.ids import vendor_ids

# A sample older than this is reported as STALE.
FRESH_FOR = timedelta(minutes=3)


@dataclass(frozen=True, slots=True)
class RoomView:
    key: str
    id: str
    space_id: str
    name: str
    type: str
    capacity: float


@dataclass(frozen=True, slots=True)
class HiveView:
    key: str
    serial_number: str


@dataclass(frozen=True, slots=True)
class SpaceView:
    key: str
    id: str
    name: str
    capacity: float
    time_zone: str | None
    rooms: tuple[RoomView, ...]
    hives: tuple[HiveView, ...]


@dataclass(frozen=True, slots=True)
class SensorView:
    key: str
    name: str
    mac_address: str
    mode: str
    battery_percent: float | None
    battery_low: bool | None
    last_heartbeat: datetime | None
    room_id: str | None
    hive_id: str | None


@dataclass(frozen=True, slots=True)
class ZoneView:
    id: str
    name: str
    type: str | None
    capacity: float
    room_id: str | None


@dataclass(frozen=True, slots=True)
class OccupancyView:
    count: int
    capacity: int | None
    as_of: datetime
    quality: str  # LIVE: a recent sample for every room | STALE: the newest is old |
    # PARTIAL: some rooms of a space have no recent sample; they count as 0


@dataclass(frozen=True, slots=True)
class SampleView:
    time: datetime
    value: float


def room_view(record: Room) -> RoomView:
    return RoomView(
        key=f"butlr:{record.id}",
        id=record.id,
        space_id=record.space_id,
        name=record.name,
        type=record.type,
        capacity=record.capacity,
    )


def hive_view(record: Hive) -> HiveView:
    return HiveView(key=f"butlr:{record.id}", serial_number=record.serial_number)


def space_view(record: Space) -> SpaceView:
    return SpaceView(
        key=f"butlr:{record.id}",
        id=record.id,
        name=record.name,
        capacity=record.capacity,
        time_zone=record.timezone,
        rooms=tuple(room_view(r) for r in record.rooms),
        hives=tuple(hive_view(h) for h in record.hives),
    )


def sensor_view(record: Sensor) -> SensorView:
    return SensorView(
        key=f"butlr:{record.id}",
        name=record.name,
        mac_address=record.mac_address,
        mode=record.mode,
        battery_percent=record.battery_percent,
        battery_low=record.battery_low,
        last_heartbeat=record.last_heartbeat,
        room_id=record.room_id,
        hive_id=record.hive_id,
    )


def zone_view(record: Zone) -> ZoneView:
    return ZoneView(
        id=record.id,
        name=record.name,
        type=record.type,
        capacity=record.capacity,
        room_id=record.room_id,
    )


def occupancy_view(
    samples: list[RoomOccupancy | None], capacity: float | None
) -> OccupancyView | None:
    present = [s for s in samples if s is not None]
    if not present:
        return None
    as_of = max(s.sampled_at for s in present)
    if len(present) < len(samples):
        quality = "PARTIAL"
    elif datetime.now(UTC) - as_of > FRESH_FOR:
        quality = "STALE"
    else:
        quality = "LIVE"
    return OccupancyView(
        count=sum(s.count for s in present),
        capacity=int(capacity) if capacity else None,
        as_of=as_of,
        quality=quality,
    )


async def all_spaces(ctx: RequestContext) -> list[SpaceView]:
    return [space_view(s) for s in await ctx.occupancy.all_spaces()]


async def spaces_by_id(ctx: RequestContext, node_ids: list[str]) -> list[SpaceView | None]:
    records = await ctx.occupancy.space.load_many(vendor_ids(node_ids))
    return [space_view(r) if r is not None else None for r in records]


async def rooms_by_id(ctx: RequestContext, node_ids: list[str]) -> list[RoomView | None]:
    records = await ctx.occupancy.room.load_many(vendor_ids(node_ids))
    return [room_view(r) if r is not None else None for r in records]


async def sensors_by_id(ctx: RequestContext, node_ids: list[str]) -> list[SensorView | None]:
    records = await ctx.occupancy.sensor.load_many(vendor_ids(node_ids))
    return [sensor_view(r) if r is not None else None for r in records]


async def hives_by_id(ctx: RequestContext, node_ids: list[str]) -> list[HiveView | None]:
    records = await ctx.occupancy.hive.load_many(vendor_ids(node_ids))
    return [hive_view(r) if r is not None else None for r in records]


async def space(ctx: RequestContext, space_id: str) -> SpaceView | None:
    record = await ctx.occupancy.space.load(space_id)
    return space_view(record) if record is not None else None


async def room(ctx: RequestContext, room_id: str | None) -> RoomView | None:
    if room_id is None:
        return None
    record = await ctx.occupancy.room.load(room_id)
    return room_view(record) if record is not None else None


async def hive(ctx: RequestContext, hive_id: str | None) -> HiveView | None:
    if hive_id is None:
        return None
    record = await ctx.occupancy.hive.load(hive_id)
    return hive_view(record) if record is not None else None


async def room_sensors(ctx: RequestContext, room: RoomView) -> list[SensorView]:
    sensors = await ctx.occupancy.sensors_of_room(room.space_id, room.id)
    return [sensor_view(s) for s in sensors]


async def zones(ctx: RequestContext, space: SpaceView) -> list[ZoneView]:
    return [zone_view(z) for z in await ctx.occupancy.zones_by_space.load(space.id)]


async def room_occupancy(ctx: RequestContext, room: RoomView) -> OccupancyView | None:
    sample = await ctx.occupancy.current.load(room.id)
    return occupancy_view([sample], room.capacity)


async def space_occupancy(ctx: RequestContext, space: SpaceView) -> OccupancyView | None:
    samples = await ctx.occupancy.current.load_many([r.id for r in space.rooms])
    return occupancy_view(samples, space.capacity)


def room_building_id(ctx: RequestContext, room: RoomView) -> str | None:
    site = ctx.services.site_map
    entry = site.room(room.id)
    return entry.building_id if entry else site.building_for_space(room.space_id)


def space_building_id(ctx: RequestContext, space: SpaceView) -> str | None:
    return ctx.services.site_map.building_for_space(space.id)


async def history(
    ctx: RequestContext,
    *,
    room: RoomView | None = None,
    space: SpaceView | None = None,
    since: datetime,
    until: datetime | None,
    every_minutes: int,
    aggregation: str,
) -> list[SampleView]:
    """One value per window for a room, or for a whole space (the sum of its rooms)."""
    key = room.id if room is not None else space.id if space is not None else ""
    series = await ctx.services.butlr.occupancy.get_history(
        start=since,
        stop=until,
        room_ids=[room.id] if room is not None else None,
        space_ids=[space.id] if space is not None and room is None else None,
        every=timedelta(minutes=every_minutes),
        function=aggregation,
        per="room" if room is not None else "space",
    )
    return [SampleView(time=p.time, value=p.value) for p in series.get(key, ())]


async def building_spaces(
    ctx: RequestContext, building_id: str, with_occupancy: bool
) -> list[SpaceView]:
    """The building's Butlr spaces by the site map; with `with_occupancy`, every room's
    current occupancy is fetched alongside the spaces (one call by space id)."""
    entry = ctx.services.site_map.building(building_id)
    if entry is None or not entry.butlr_space_ids:
        return []
    loaders = ctx.occupancy
    space_ids = list(entry.butlr_space_ids)
    prefetch: asyncio.Task[None] | None = None
    if with_occupancy:
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
    return [space_view(r) for r in records if r is not None]
