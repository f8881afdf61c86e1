"""Occupancy records from `POST /api/v3/reporting` and `POST /api/v3/detections`.

Reporting nests `data` one level per `group_by.order` key (`field` is the measurement,
always `occupancy`); the leaf is the documented statistics block, or a time series
`[{"time", "value"}]` when `time` is the last key. We always group by one entity
(`room_id` or `space_id`), so answers read `data[entity_id]["occupancy"]`.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from connectors.butlr.fields import Fields, protocol_error

FIELD = "occupancy"  # the one measurement the reference names


@dataclass(frozen=True)
class OccupancyPoint:
    """One window's value; selectors (`last`, `max`...) stamp the chosen sample's minute,
    aggregates (`mean`, `sum`...) the window's start."""

    time: datetime
    value: float

    @classmethod
    def from_json(cls, data: object, where: str = "point") -> OccupancyPoint:
        f = Fields(data, where)
        return cls(time=f.instant("time"), value=f.number("value"))


@dataclass(frozen=True)
class RoomOccupancy:
    """How many people a room holds now, and the minute that sample is from."""

    room_id: str
    count: int
    sampled_at: datetime


@dataclass(frozen=True)
class OccupancySummary:
    """The documented statistics block over a range's windows (stddev is the sample one)."""

    sum: float
    min: float
    max: float
    count: int  # how many windows
    mean: float
    median: float
    stddev: float

    @classmethod
    def from_json(cls, data: object, where: str = "summary") -> OccupancySummary:
        f = Fields(data, where)
        return cls(
            sum=f.number("sum"),
            min=f.number("min"),
            max=f.number("max"),
            count=f.integer("count"),
            mean=f.number("mean"),
            median=f.number("median"),
            stddev=f.number("stddev"),
        )


@dataclass(frozen=True)
class Detection:
    """One sensor's detections in one window.

    `value` is what the data type carries: `detections_local` people as `[x, y]` in the
    sensor's frame (0..1), `detections_world` as floor-plan `[x, y]`, `heatmap` an 8x8
    grid of counts (rows).
    """

    data_type: str
    mac_address: str
    start_time: datetime  # the window's start
    sample_time: datetime  # the sample the window's function chose
    value: tuple[tuple[float, ...], ...]

    @property
    def people(self) -> int:
        """People seen at `sample_time` (a heatmap counts detections over the window)."""
        if self.data_type == "heatmap":
            return int(sum(sum(row) for row in self.value))
        return len(self.value)

    @classmethod
    def from_json(cls, data: object, data_type: str, where: str = "detection") -> Detection:
        f = Fields(data, where)
        return cls(
            data_type=data_type,
            mac_address=f.text("mac_address"),
            start_time=f.epoch_ms("start_time"),
            sample_time=f.epoch_ms("sample_time"),
            value=f.grid("value"),
        )


def _leaves(body: object, where: str) -> dict[str, object]:
    """`{entity_id: data[entity_id]["occupancy"]}` from a report grouped by one entity."""
    data = Fields(body, where).nested("data")
    leaves: dict[str, object] = {}
    for entity_id in data.data:
        leaves[entity_id] = data.nested(entity_id).data.get(FIELD)
        if leaves[entity_id] is None:
            raise protocol_error(f"{data.where}.{entity_id}", f"missing field {FIELD!r}")
    return leaves


def parse_series(body: object, where: str = "report") -> dict[str, tuple[OccupancyPoint, ...]]:
    """Time series per entity from a report ordered `[entity, "field", "time"]`."""
    series: dict[str, tuple[OccupancyPoint, ...]] = {}
    for entity_id, leaf in _leaves(body, where).items():
        path = f"{where}.data.{entity_id}.{FIELD}"
        if not isinstance(leaf, list):
            raise protocol_error(path, "should be a list of {time, value} points")
        series[entity_id] = tuple(
            OccupancyPoint.from_json(point, f"{path}[{i}]") for i, point in enumerate(leaf)
        )
    return series


def parse_summaries(body: object, where: str = "report") -> dict[str, OccupancySummary]:
    """The statistics block per entity from a report ordered `[entity, "field"]`."""
    return {
        entity_id: OccupancySummary.from_json(leaf, f"{where}.data.{entity_id}.{FIELD}")
        for entity_id, leaf in _leaves(body, where).items()
    }


def parse_detections(
    body: object, data_types: tuple[str, ...], where: str = "detections"
) -> list[Detection]:
    """Every entry of every requested data type, in the vendor's order (window, sensor)."""
    f = Fields(body, where)
    # Reference silent on empty answers: a requested data type that is absent reads as none.
    found: list[Detection] = []
    for kind in data_types:
        found += [Detection.from_json(entry.data, kind, entry.where) for entry in f.objects(kind)]
    return found
