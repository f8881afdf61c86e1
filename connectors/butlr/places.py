"""Spaces, rooms, room types and zones: `/api/v2/spaces[/{id}[/rooms|/zones]]`."""

from __future__ import annotations

from collections.abc import AsyncGenerator, Iterable, Sequence
from typing import Any

from connectors.butlr.api import (
    UNSET,
    ApiBase,
    Params,
    Unset,
    details_param,
    given,
    segment,
)
from connectors.butlr.models import Room, RoomType, Space, SpaceRef, Zone

Point = tuple[float, float]


def _space(space_id: str) -> str:
    return f"/api/v2/spaces/{segment(space_id)}"


class PlacesApi(ApiBase):
    # -- spaces ----------------------------------------------------------------------------

    def iter_spaces(self, *, details: bool = False) -> AsyncGenerator[Space, None]:
        return self._walk("/api/v2/spaces", Space.from_json, "spaces", details_param(details))

    async def list_spaces(
        self, *, ids: Iterable[str] | None = None, details: bool = False
    ) -> list[Space]:
        """Every space, or only `ids` (the vendor has no filter: one walk, filtered here)."""
        spaces = [space async for space in self.iter_spaces(details=details)]
        if ids is None:
            return spaces
        wanted = set(ids)
        return [space for space in spaces if space.id in wanted]

    async def get_space(self, space_id: str, *, details: bool = False) -> Space:
        """A space with its rooms, sensors and hives (`details`: sensors in full, with the
        battery and heartbeat fields, and each room's sensors)."""
        return await self._one(
            "GET", _space(space_id), Space.from_json, "space", params=details_param(details)
        )

    async def create_space(self, name: str) -> SpaceRef:
        # A create is never retried: a resend after a lost answer would make two spaces.
        return await self._one(
            "POST",
            "/api/v2/spaces",
            SpaceRef.from_json,
            "space",
            json_body={"name": name},
            idempotent=False,
        )

    # -- rooms -----------------------------------------------------------------------------

    async def list_room_types(self, *, lang: str | None = None) -> list[RoomType]:
        """The room-type catalogue (names are English whatever `lang` says, in the sandbox)."""
        params: Params = [("lang", lang)] if lang else []
        return await self._all("/api/v2/room-types", RoomType.from_json, "room_types", params)

    async def list_rooms(
        self,
        space_ids: Iterable[str],
        *,
        room_ids: Iterable[str] | None = None,
        details: bool = False,
    ) -> list[Room]:
        """The rooms of every space in `space_ids`, fetched concurrently, optionally only
        `room_ids` (rooms live under their space: there is no account-wide room list)."""

        async def rooms_of(space_id: str) -> list[Room]:
            return await self._all(
                f"{_space(space_id)}/rooms", Room.from_json, "rooms", details_param(details)
            )

        rooms = await self._per_space(space_ids, rooms_of)
        if room_ids is None:
            return rooms
        wanted = set(room_ids)
        return [room for room in rooms if room.id in wanted]

    async def get_room(self, space_id: str, room_id: str, *, details: bool = False) -> Room:
        """One room with its sensors (`details`: the sensors in full, and the height)."""
        return await self._one(
            "GET",
            f"{_space(space_id)}/rooms/{segment(room_id)}",
            Room.from_json,
            "room",
            params=details_param(details),
        )

    async def create_room(
        self,
        space_id: str,
        *,
        name: str,
        type: str,
        coordinates: Sequence[Point],
        height: float | None = None,
        color: Sequence[int] | None = None,
        capacity: float | None = None,
    ) -> Room:
        """Add a room (a polygon of at least three floor-plan points) to a space.

        `type` should be a key of `list_room_types()`; the vendor's samples use others, and
        the sandbox accepts any. Never retried: a resend would make two rooms.
        """
        item: dict[str, Any] = {
            "name": name,
            "type": type,
            "coordinates": [list(point) for point in coordinates],
        }
        item |= {
            k: v
            for k, v in {"height": height, "color": _list(color), "capacity": capacity}.items()
            if v is not None
        }
        created = await self._created(f"{_space(space_id)}/rooms", [item], Room.from_json)
        return created[0]

    async def update_room(
        self,
        space_id: str,
        room_id: str,
        *,
        name: str,
        type: str,
        height: float,
        color: Sequence[int],
        coordinates: Sequence[Point],
    ) -> Room:
        """Replace a room's five documented fields (the reference requires every one)."""
        item = {
            "name": name,
            "type": type,
            "height": height,
            "color": list(color),
            "coordinates": [list(point) for point in coordinates],
        }
        # Reference: the body is a one-item array and the answer one object. A PUT of fixed
        # values is safe to resend.
        return await self._one(
            "PUT",
            f"{_space(space_id)}/rooms/{segment(room_id)}",
            Room.from_json,
            "room",
            json_body=[item],
            idempotent=True,
        )

    # -- zones -----------------------------------------------------------------------------

    async def list_zones(
        self, space_ids: Iterable[str], *, zone_ids: Iterable[str] | None = None
    ) -> list[Zone]:
        """The zones of every space in `space_ids`, fetched concurrently."""

        async def zones_of(space_id: str) -> list[Zone]:
            return await self._all(f"{_space(space_id)}/zones", Zone.from_json, "zones")

        zones = await self._per_space(space_ids, zones_of)
        if zone_ids is None:
            return zones
        wanted = set(zone_ids)
        return [zone for zone in zones if zone.id in wanted]

    async def get_zone(self, space_id: str, zone_id: str) -> Zone:
        return await self._one(
            "GET", f"{_space(space_id)}/zones/{segment(zone_id)}", Zone.from_json, "zone"
        )

    async def create_zone(
        self,
        space_id: str,
        *,
        name: str,
        coordinates: Sequence[int] = (),
        room_id: str | None = None,
        type: str | None = None,
        color: Sequence[int] | None = None,
        area: int | None = None,
        capacity: int | None = None,
        mid_capacity: int | None = None,
    ) -> Zone:
        """Add a zone (`coordinates` flat: x1, y1, x2, y2, ...). Never retried."""
        item: dict[str, Any] = {"name": name, "coordinates": list(coordinates)}
        optional = {
            "room_id": room_id,
            "type": type,
            "color": _list(color),
            "area": area,
            "capacity": capacity,
            "mid_capacity": mid_capacity,
        }
        item |= {k: v for k, v in optional.items() if v is not None}
        created = await self._created(f"{_space(space_id)}/zones", [item], Zone.from_json)
        return created[0]

    async def update_zone(
        self,
        space_id: str,
        zone_id: str,
        *,
        name: str | Unset = UNSET,
        color: Sequence[int] | Unset = UNSET,
        coordinates: Sequence[int] | Unset = UNSET,
        area: int | Unset = UNSET,
        capacity: int | Unset = UNSET,
        mid_capacity: int | Unset = UNSET,
    ) -> Zone:
        """Change the given fields (a zone's type and room cannot change)."""
        changes = given(name=name, area=area, capacity=capacity, mid_capacity=mid_capacity)
        if not isinstance(color, Unset):
            changes["color"] = list(color)
        if not isinstance(coordinates, Unset):
            changes["coordinates"] = list(coordinates)
        return await self._one(
            "PATCH",
            f"{_space(space_id)}/zones/{segment(zone_id)}",
            Zone.from_json,
            "zone",
            json_body=changes,
            idempotent=True,  # fixed values: a resend changes nothing
        )

    async def delete_zone(self, space_id: str, zone_id: str) -> None:
        """Delete a zone. Not retried: a resend after a lost answer would be a 404."""
        await self._send("DELETE", f"{_space(space_id)}/zones/{segment(zone_id)}")


def _list(values: Sequence[int] | None) -> list[int] | None:
    return None if values is None else list(values)
