"""Per-request dataloaders for the occupancy hierarchy: Space → Room → Sensor, and occupancy.

A space with `details=true` carries its rooms, sensors and hives, so one cached call per
space answers its whole hierarchy: a building's spaces are fetched by id, concurrently;
rooms, sensors and hives by id, and the `spaces` listing, from one cached walk of every
space. Current occupancy for every room a query touches is one reporting call
(`function: last`), cached for the live TTL.
"""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from typing import Any

from aiodataloader import DataLoader

from concierge.connectors.butlr.occupancy import RoomOccupancy
from concierge.connectors.butlr.rooms import Room
from concierge.connectors.butlr.sensors import Hive, Sensor
from concierge.connectors.butlr.spaces import Space
from concierge.connectors.butlr.zones import Zone
from concierge.connectors.errors import VendorNotFoundError
from concierge.resolvers.batching import grouped, keyed, pick
from concierge.resolvers.services import Services


class OccupancyLoaders:
    def __init__(self, services: Services) -> None:
        self._s = services
        self.space = DataLoader(self._spaces)
        self.room = DataLoader(self._rooms)
        self.sensor = DataLoader(self._sensors)
        self.hive = DataLoader(self._hives)
        self.current = DataLoader(self._current)
        self.zones_by_space = DataLoader(self._zones_by_space)

    async def all_spaces(self) -> list[Space]:
        async def fetch() -> list[Space]:
            return await self._s.butlr.spaces.list(details=True)

        return await self._s.cache.get_or_fetch("reference", self._key("spaces"), fetch)

    async def _spaces(self, keys: Sequence[str]) -> list[Space | None]:
        async def fetch(missing: list[str]) -> dict[str, Space]:
            hit, listed = self._s.cache.peek("reference", self._key("spaces"))
            if hit:
                return {s.id: s for s in listed}
            found = await asyncio.gather(*(self._space(space_id) for space_id in missing))
            return {s.id: s for s in found if s is not None}

        return await keyed(self._s.cache, "reference", self._key("space"), keys, fetch)

    async def _space(self, space_id: str) -> Space | None:
        try:
            return await self._s.butlr.spaces.get(space_id, details=True)
        except VendorNotFoundError:
            return None

    async def _rooms(self, keys: Sequence[str]) -> list[Room | None]:
        rooms = {r.id: r for s in await self.all_spaces() for r in s.rooms}
        return pick(rooms, keys)

    async def _sensors(self, keys: Sequence[str]) -> list[Sensor | None]:
        sensors = {x.id: x for s in await self.all_spaces() for x in s.sensors}
        return pick(sensors, keys)

    async def _hives(self, keys: Sequence[str]) -> list[Hive | None]:
        hives = {h.id: h for s in await self.all_spaces() for h in s.hives}
        return pick(hives, keys)

    async def sensors_of_room(self, space_id: str, room_id: str) -> list[Sensor]:
        space = await self.space.load(space_id)
        return [x for x in space.sensors if x.room_id == room_id] if space is not None else []

    async def _current(self, keys: Sequence[str]) -> list[RoomOccupancy | None]:
        """Current occupancy per room id: one reporting call for every uncached room."""

        async def fetch(missing: list[str]) -> dict[str, RoomOccupancy]:
            return await self._s.butlr.occupancy.get_current(room_ids=missing)

        return await keyed(self._s.cache, "live", self._key("occupancy"), keys, fetch)

    async def prefetch_current(self, space_ids: list[str]) -> None:
        """Current occupancy of every room of `space_ids`, before the rooms are known.

        One reporting call by space id needs no room list, so it runs alongside the spaces
        listing instead of after it. Rooms without a recent sample are simply not cached:
        asking for one later costs a call for those rooms alone.
        """
        if not space_ids:
            return

        async def fetch() -> bool:
            current = await self._s.butlr.occupancy.get_current(space_ids=space_ids)
            for room_id, sample in current.items():
                self._s.cache.put("live", self._key("occupancy", room_id), sample)
            return True

        # Keyed by the space list, so concurrent prefetches of the same spaces share a call.
        key = self._key("space_current", tuple(sorted(space_ids)))
        await self._s.cache.get_or_fetch("live", key, fetch)

    async def _zones_by_space(self, keys: Sequence[str]) -> list[list[Zone]]:
        async def fetch(missing: list[str]) -> list[Zone]:
            return await self._s.butlr.zones.list(missing)

        return await grouped(
            self._s.cache, "reference", self._key("zones"), keys, fetch, lambda z: z.space_id
        )

    def _key(self, *parts: Any) -> tuple[Any, ...]:
        return ("butlr", self._s.account("butlr"), *parts)
