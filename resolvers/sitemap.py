"""The site map: which vendor objects are the same place, and which lock is which unit's door.

It is configuration (a JSON or TOML file, or the sandbox's `/_control/sitemap`), in
vendor IDs::

    {"buildings": [{"name": ..., "butterflymx_building_id": "11741",
                    "remotelock_location_ids": ["..."], "butlr_space_ids": ["space_..."]}],
     "locks": [{"vendor": "remotelock", "vendor_id": "...", "butterflymx_unit_id": "101302",
                "butterflymx_building_id": "11741"}],
     "rooms": [{"butlr_room_id": "room_...", "butlr_space_id": "space_...",
                "butterflymx_building_id": "11741", "butterflymx_unit_id": null}]}

Objects the map does not mention still appear under their own vendor's hierarchy.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any


class SiteMapError(ValueError):
    """A malformed site map; the message names the entry."""


@dataclass(frozen=True)
class SiteBuilding:
    butterflymx_building_id: str
    name: str = ""
    remotelock_location_ids: tuple[str, ...] = ()
    butlr_space_ids: tuple[str, ...] = ()


@dataclass(frozen=True)
class SiteLock:
    vendor: str  # "butterflymx" (a v4 device) | "remotelock" (a lock)
    vendor_id: str
    unit_id: str
    building_id: str | None


@dataclass(frozen=True)
class SiteRoom:
    room_id: str
    space_id: str | None
    building_id: str | None
    unit_id: str | None


@dataclass
class SiteMap:
    buildings: list[SiteBuilding] = field(default_factory=list)
    locks: list[SiteLock] = field(default_factory=list)
    rooms: list[SiteRoom] = field(default_factory=list)

    def __post_init__(self) -> None:
        self._by_building = {b.butterflymx_building_id: b for b in self.buildings}
        self._building_by_location = {
            loc: b.butterflymx_building_id
            for b in self.buildings
            for loc in b.remotelock_location_ids
        }
        self._building_by_space = {
            space: b.butterflymx_building_id for b in self.buildings for space in b.butlr_space_ids
        }
        self._locks_by_unit: dict[str, list[SiteLock]] = defaultdict(list)
        self._lock_by_vendor_id: dict[tuple[str, str], SiteLock] = {}
        for lock in self.locks:
            self._locks_by_unit[lock.unit_id].append(lock)
            self._lock_by_vendor_id[(lock.vendor, lock.vendor_id)] = lock
        self._rooms = {r.room_id: r for r in self.rooms}

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> SiteMap:
        try:
            buildings = [
                SiteBuilding(
                    butterflymx_building_id=str(b["butterflymx_building_id"]),
                    name=str(b.get("name", "")),
                    remotelock_location_ids=tuple(map(str, b.get("remotelock_location_ids", []))),
                    butlr_space_ids=tuple(map(str, b.get("butlr_space_ids", []))),
                )
                for b in data.get("buildings", [])
            ]
            locks = [
                SiteLock(
                    vendor=_vendor(str(lock["vendor"])),
                    vendor_id=str(lock["vendor_id"]),
                    unit_id=str(lock["butterflymx_unit_id"]),
                    building_id=_opt(lock.get("butterflymx_building_id")),
                )
                for lock in data.get("locks", [])
            ]
            rooms = [
                SiteRoom(
                    room_id=str(r["butlr_room_id"]),
                    space_id=_opt(r.get("butlr_space_id")),
                    building_id=_opt(r.get("butterflymx_building_id")),
                    unit_id=_opt(r.get("butterflymx_unit_id")),
                )
                for r in data.get("rooms", [])
            ]
        except KeyError as exc:
            raise SiteMapError(f"site map entry is missing {exc.args[0]!r}") from exc
        except (TypeError, AttributeError) as exc:
            raise SiteMapError(f"site map is malformed: {exc}") from exc
        return cls(buildings=buildings, locks=locks, rooms=rooms)

    def building(self, butterflymx_building_id: str) -> SiteBuilding | None:
        return self._by_building.get(butterflymx_building_id)

    def building_for_location(self, location_id: str) -> str | None:
        return self._building_by_location.get(location_id)

    def building_for_space(self, space_id: str) -> str | None:
        return self._building_by_space.get(space_id)

    def locks_for_unit(self, unit_id: str) -> list[SiteLock]:
        return self._locks_by_unit.get(unit_id, [])

    def lock(self, vendor: str, vendor_id: str) -> SiteLock | None:
        return self._lock_by_vendor_id.get((vendor, vendor_id))

    def room(self, room_id: str) -> SiteRoom | None:
        return self._rooms.get(room_id)


def _vendor(name: str) -> str:
    if name not in ("butterflymx", "remotelock"):
        raise SiteMapError(f"site map lock vendor must be butterflymx or remotelock, not {name!r}")
    return name


def _opt(value: Any) -> str | None:
    return None if value is None else str(value)
