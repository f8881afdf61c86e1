"""Rooms, which live under their space (`/api/v2/spaces/{id}/rooms`): the record and
`client.rooms`."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from concierge.connectors.butlr.core import Resource, details_param, segment
from concierge.connectors.butlr.fields import Fields
from concierge.connectors.butlr.sensors import Sensor

Point = tuple[float, float]


def space_path(space_id: str) -> str:
    return f"/api/v2/spaces/{segment(space_id)}"


@dataclass(frozen=True)
class Room:
    """A room as List Rooms, Room Details or a space prints it.

    `sensors` is empty where the shape does not embed them (List Rooms without
    `details`); `height` only comes with `details` or from Create Room.
    """

    id: str
    space_id: str
    name: str
    type: str  # a room-type key, though the vendor's own samples use unlisted ones
    coordinates: tuple[Point, ...]
    color: tuple[int, ...]
    capacity: float
    mid_capacity: float
    max_capacity: float
    area: float
    height: float | None = None
    space_name: str | None = None
    sensors: tuple[Sensor, ...] = ()

    @classmethod
    def from_json(cls, data: object, where: str = "room") -> Room:
        f = Fields(data, where)
        space = f.opt_nested("space")
        space_id = space.text("id") if space is not None else f.text("space_id")
        return cls(
            id=f.text("id"),
            space_id=space_id,
            name=f.string("name"),
            type=f.string("type"),
            coordinates=f.polygon("coordinates"),
            color=f.integers("color") if f.has("color") else (),
            capacity=f.opt_number("capacity") or 0.0,
            mid_capacity=f.opt_number("mid_capacity") or 0.0,
            max_capacity=f.opt_number("maxCapacity") or 0.0,
            area=f.opt_number("area") or 0.0,
            height=f.opt_number("height"),
            space_name=space.opt_text("name") if space is not None else None,
            sensors=tuple(Sensor.from_json(s.data, s.where) for s in f.objects("sensors")),
        )


class Rooms(Resource):
    async def list(
        self,
        space_ids: Iterable[str],
        *,
        room_ids: Iterable[str] | None = None,
        details: bool = False,
    ) -> list[Room]:
        """The rooms of every space in `space_ids`, fetched concurrently, optionally only
        `room_ids` (rooms live under their space: there is no account-wide room list)."""

        async def rooms_of(space_id: str) -> list[Room]:
            return await self._core.all(
                f"{space_path(space_id)}/rooms", Room.from_json, "rooms", details_param(details)
            )

        rooms = await self._core.per_space(space_ids, rooms_of)
        if room_ids is None:
            return rooms
        wanted = set(room_ids)
        return [room for room in rooms if room.id in wanted]

    async def get(self, space_id: str, room_id: str, *, details: bool = False) -> Room:
        """One room with its sensors (`details`: the sensors in full, and the height)."""
        return await self._core.one(
            "GET",
            f"{space_path(space_id)}/rooms/{segment(room_id)}",
            Room.from_json,
            "room",
            params=details_param(details),
        )
