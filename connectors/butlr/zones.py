"""Zones: areas inside a space (`/api/v2/spaces/{id}/zones`): the record and `client.zones`."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from concierge.connectors.butlr.core import Resource, segment
from concierge.connectors.butlr.fields import Fields
from concierge.connectors.butlr.rooms import space_path


@dataclass(frozen=True)
class Zone:
    """An area inside a space (optionally inside a room); `coordinates` are flat x, y ints."""

    id: str
    space_id: str
    room_id: str | None
    name: str
    type: str | None
    color: tuple[int, ...]
    coordinates: tuple[int, ...]
    area: float
    area_unit: str | None
    capacity: float
    mid_capacity: float

    @classmethod
    def from_json(cls, data: object, where: str = "zone") -> Zone:
        f = Fields(data, where)
        return cls(
            id=f.text("id"),
            space_id=f.text("space_id"),
            room_id=f.opt_text("room_id"),
            name=f.string("name"),
            type=f.opt_text("type"),
            color=f.integers("color") if f.has("color") else (),
            coordinates=f.integers("coordinates") if f.has("coordinates") else (),
            area=f.opt_number("area") or 0.0,
            area_unit=f.opt_text("area_unit"),
            capacity=f.opt_number("capacity") or 0.0,
            mid_capacity=f.opt_number("mid_capacity") or 0.0,
        )


class Zones(Resource):
    async def list(
        self, space_ids: Iterable[str], *, zone_ids: Iterable[str] | None = None
    ) -> list[Zone]:
        """The zones of every space in `space_ids`, fetched concurrently."""

        async def zones_of(space_id: str) -> list[Zone]:
            return await self._core.all(f"{space_path(space_id)}/zones", Zone.from_json, "zones")

        zones = await self._core.per_space(space_ids, zones_of)
        if zone_ids is None:
            return zones
        wanted = set(zone_ids)
        return [zone for zone in zones if zone.id in wanted]

    async def get(self, space_id: str, zone_id: str) -> Zone:
        return await self._core.one(
            "GET", f"{space_path(space_id)}/zones/{segment(zone_id)}", Zone.from_json, "zone"
        )
