"""Spaces (a site: its rooms, sensors and hives): the record and `client.spaces`.

A Butlr space is the occupancy side's building; the graph keeps `Space` apart from
`Building` (the site map joins them), so this module keeps the vendor's name.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from concierge.connectors.butlr.core import Resource, details_param
from concierge.connectors.butlr.fields import Fields
from concierge.connectors.butlr.rooms import Room, space_path
from concierge.connectors.butlr.sensors import Hive, Sensor


@dataclass(frozen=True)
class Space:
    """A space (one floor plan: rooms, sensors and hives share its coordinates)."""

    id: str
    name: str
    address: str | None
    timezone: str | None  # an IANA name, or None when the vendor has ""
    installation_date: date | None
    capacity: float
    mid_capacity: float
    area: float
    rooms: tuple[Room, ...]
    sensors: tuple[Sensor, ...]
    hives: tuple[Hive, ...]

    @classmethod
    def from_json(cls, data: object, where: str = "space") -> Space:
        f = Fields(data, where)
        return cls(
            id=f.text("id"),
            name=f.string("name"),
            address=f.opt_text("address"),
            timezone=f.opt_text("timezone"),
            installation_date=f.opt_date("installation_date"),
            capacity=f.opt_number("capacity") or 0.0,
            mid_capacity=f.opt_number("mid_capacity") or 0.0,
            area=f.opt_number("area") or 0.0,
            rooms=tuple(Room.from_json(r.data, r.where) for r in f.objects("rooms")),
            sensors=tuple(Sensor.from_json(s.data, s.where) for s in f.objects("sensors")),
            hives=tuple(Hive.from_json(h.data, h.where) for h in f.objects("hives")),
        )


class Spaces(Resource):
    async def list(self, *, ids: Iterable[str] | None = None, details: bool = False) -> list[Space]:
        """Every space, or only `ids` (the vendor has no filter: one walk, filtered here)."""
        spaces = await self._core.all(
            "/api/v2/spaces", Space.from_json, "spaces", details_param(details)
        )
        if ids is None:
            return spaces
        wanted = set(ids)
        return [space for space in spaces if space.id in wanted]

    async def get(self, space_id: str, *, details: bool = False) -> Space:
        """A space with its rooms, sensors and hives (`details`: sensors in full, with the
        battery and heartbeat fields, and each room's sensors)."""
        return await self._core.one(
            "GET", space_path(space_id), Space.from_json, "space", params=details_param(details)
        )
