"""The Butlr side of the demo world, rendered into the simulator's store.

Ids, MACs and serials come from `sandbox/dataset.py`; zones, fixtures, battery levels and
heartbeat phases are drawn from the simulator's seeded RNG in a fixed order, and dates are
counted from the dataset's fixed epoch, so one seed always gives the same records.
"""

from __future__ import annotations

from datetime import UTC, datetime

from concierge.sandbox.butlr import ids
from concierge.sandbox.butlr.records import (
    FixtureRec,
    HiveRec,
    RoomRec,
    SensorRec,
    SpaceRec,
    ZoneRec,
    mid_capacity_of,
)
from concierge.sandbox.butlr.store import HEARTBEAT_PERIOD_S, LOW_BATTERY_PERCENT, Store
from concierge.sandbox.butlr.validation import polygon_area
from concierge.sandbox.clock import iso_z
from concierge.sandbox.dataset import WORLD_EPOCH, World

PALETTE = (
    [255, 0, 0, 255],
    [3, 154, 254, 255],
    [26, 0, 255, 255],
    [0, 255, 127, 255],
    [255, 165, 0, 255],
    [148, 0, 211, 255],
)
TALL_ROOM_CAPACITY = 30  # large rooms get sensors mounted at 3.5 m, as in the samples


def seed_from_world(store: Store, world: World) -> None:
    """Render the demo world's Butlr side: spaces, hives, rooms, sensors, zones, fixtures."""
    buildings = {b.bmx_id: b for b in world.buildings}
    for space in world.spaces:
        b = buildings[space.building]
        store.add(
            SpaceRec(
                id=space.butlr_id,
                name=space.name,
                seq=store.next_seq(),
                address=f"{b.address_1}, {b.city}, {b.state} {b.zip_code}",
                timezone=b.time_zone,
                installation_date=datetime.fromtimestamp(b.created_at + 30 * 86_400, UTC).strftime(
                    "%Y-%m-%d"
                ),
                capacity=float(space.capacity),
                mid_capacity=mid_capacity_of(space.capacity),
            )
        )
    for hive in world.hives:
        store.add(HiveRec(hive.butlr_id, hive.serial_number, hive.space, store.next_seq()))
    for index, room in enumerate(world.rooms):
        store.add(
            RoomRec(
                id=room.butlr_id,
                space_id=room.space,
                name=room.name,
                type=room.room_type,
                coordinates=[list(c) for c in room.coordinates],
                seq=store.next_seq(),
                color=list(PALETTE[index % len(PALETTE)]),
                height=3.5 if room.capacity >= TALL_ROOM_CAPACITY else 3,
                capacity=float(room.capacity),
                mid_capacity=mid_capacity_of(room.capacity),
                area=polygon_area(room.coordinates),
            )
        )
        store.spaces[room.space].area = round(
            store.spaces[room.space].area + polygon_area(room.coordinates), 2
        )
    for sensor in world.sensors:
        _seed_sensor(
            store,
            sensor.butlr_id,
            sensor.mac_address,
            sensor.room,
            sensor.hive,
            sensor.mode,
            list(sensor.center),
        )
    for index, room_rec in enumerate(list(store.rooms.values())):
        if index % 4 == 0:
            _seed_zone(store, room_rec)
        _seed_fixtures(store, room_rec)


def _seed_sensor(
    store: Store,
    sensor_id: str,
    mac: str,
    room_id: str,
    hive_id: str,
    mode: str,
    center: list[float],
) -> None:
    room = store.rooms[room_id]
    headcount = mode == "headcount"
    low = store.rng.random() < 0.05
    percent = store.rng.randint(5, LOW_BATTERY_PERCENT - 1) if low else store.rng.randint(35, 100)
    changed = WORLD_EPOCH - 86_400 * store.rng.randint(10, 300)
    store.add(
        SensorRec(
            id=sensor_id,
            mac_address=mac,
            space_id=room.space_id,
            room_id=room_id,
            hive_id=hive_id,
            seq=store.next_seq(),
            name=f"{room.name} Entrance" if headcount else room.name,
            mode=mode,
            is_entrance=headcount and room.type == "entrance",
            height=room.height,
            center=center,
            door_line=1.0 if headcount else 0,
            parallel_to_door=headcount,
            in_direction=1 if headcount else 0,
            battery_percent=percent,
            last_battery_change=iso_z(datetime.fromtimestamp(changed, UTC)),
            heartbeat_phase_s=store.rng.randrange(HEARTBEAT_PERIOD_S),
        )
    )


def _seed_zone(store: Store, room: RoomRec) -> None:
    (x, y) = (int(room.coordinates[3][0]), int(room.coordinates[3][1]))
    capacity = int(room.capacity // 2)
    store.add(
        ZoneRec(
            id=ids.ksuid(store.rng, "zone"),
            space_id=room.space_id,
            room_id=room.id,
            name=f"{room.name} Seating",
            seq=store.next_seq(),
            coordinates=[x + 2, y + 2, x + 6, y + 2, x + 6, y + 6, x + 2, y + 6],
            area=16,
            capacity=capacity,
            mid_capacity=int(mid_capacity_of(capacity)),
        )
    )


def _seed_fixtures(store: Store, room: RoomRec) -> None:
    (x, y) = room.coordinates[3]
    store.add(
        FixtureRec(
            ids.ksuid(store.rng, "fixture"),
            room.space_id,
            "door",
            [round(x + 5.5, 2), y],
            store.next_seq(),
            rotation=90,
        )
    )
    store.add(
        FixtureRec(
            ids.ksuid(store.rng, "fixture"),
            room.space_id,
            "table",
            [round(x + 5.5, 2), round(y + 4.5, 2)],
            store.next_seq(),
        )
    )
