"""The simulator's mutable Butlr records: spaces, hives, rooms, sensors, zones and fixtures.

Records keep every field the reference shows; `render.py` decides which appear where. `seq`
orders every list (creation order) and anchors the pagination cursors.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field


def mid_capacity_of(capacity: float) -> float:
    """Samples pair capacity 14 with 7 and 1 with 1, so half rounded up."""
    return float(math.ceil(capacity / 2))


@dataclass
class SpaceRec:
    id: str
    name: str
    seq: int
    address: str = ""
    timezone: str = ""
    installation_date: str = ""
    capacity: float = 0
    mid_capacity: float = 0
    area: float = 0


@dataclass
class HiveRec:
    id: str
    serial_number: str
    space_id: str
    seq: int
    active: bool = True


@dataclass
class RoomRec:
    id: str
    space_id: str
    name: str
    type: str
    coordinates: list[list[float]]
    seq: int
    color: list[int] = field(default_factory=lambda: [0, 255, 127, 255])
    height: float = 3
    capacity: float = 0
    mid_capacity: float = 0
    # Reference silent/contradictory: `maxCapacity` is 0 in every sample, never explained;
    # we keep 0.
    max_capacity: float = 0
    area: float = 0
    door_line: float = 0
    parallel_to_door: float = 0
    in_direction: float = 0
    sensitivity: float = 0


@dataclass
class SensorRec:
    id: str
    mac_address: str
    space_id: str
    room_id: str  # "" once its room is deleted
    hive_id: str
    seq: int
    name: str = ""
    mode: str = "activity"  # activity | headcount | repeater
    is_entrance: bool = False
    height: float = 3
    center: list[float] = field(default_factory=lambda: [0.0, 0.0])
    orientation: list[float] = field(default_factory=lambda: [0.0, 0.0, 0.0])
    active_hours: list[float] = field(default_factory=lambda: [24.0] * 7)
    door_line: float = 0
    sensitivity: float = 0.5
    parallel_to_door: bool = False
    in_direction: float = 0
    battery_percent: float = 100
    last_battery_change: str = ""
    heartbeat_phase_s: int = 0
    offline_since: float | None = None  # sandbox time the sensor stopped heartbeating
    active: bool = True


@dataclass
class ZoneRec:
    id: str
    space_id: str
    room_id: str
    name: str
    seq: int
    type: str = "area"
    color: list[int] = field(default_factory=lambda: [255, 165, 0, 255])
    coordinates: list[int] = field(default_factory=list)
    area: int = 0
    # Reference silent/contradictory: `area_unit` is only ever "string"; we say "sqm".
    area_unit: str = "sqm"
    capacity: int = 0
    mid_capacity: int = 0


@dataclass
class FixtureRec:
    id: str
    space_id: str
    type: str
    center: list[float]
    seq: int
    rotation: float = 0
    scale: list[float] = field(default_factory=lambda: [1.0, 1.0, 1.0])
