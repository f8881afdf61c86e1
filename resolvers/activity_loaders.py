"""Per-request loaders for intercom activity and visitor keys (live data: the short TTL).

Calls list no unit, so a unit's calls are one filtered call per unit, while a building's
calls are one call for all its units. Door releases carry their unit, so any number of
units share one call. Keychains name no unit either: one call per unit.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from aiodataloader import DataLoader

from concierge.connectors.butterflymx.calls import Call
from concierge.connectors.butterflymx.events import DoorRelease
from concierge.connectors.butterflymx.keys import Keychain
from concierge.connectors.remotelock.people import AccessPerson
from concierge.resolvers.batching import grouped, pick
from concierge.resolvers.services import Services

ALL_STATUSES = ["current", "upcoming", "expired", "deactivated"]


class ActivityLoaders:
    def __init__(self, services: Services) -> None:
        self._s = services
        self.door_releases_by_unit = DataLoader(self._door_releases_by_unit)
        self.access_guest = DataLoader(self._access_guests)

    async def calls_of_units(self, key: str, unit_ids: list[str]) -> list[Call]:
        """Calls to `unit_ids`, newest first; `key` names the set for the cache."""

        async def fetch() -> list[Call]:
            if not unit_ids:
                return []
            return await self._s.butterflymx.calls.list(unit_ids=unit_ids)

        return await self._s.cache.get_or_fetch(
            "live", self._key("butterflymx", "calls", key), fetch
        )

    async def keychains_of_unit(self, unit_id: str) -> list[Keychain]:
        async def fetch() -> list[Keychain]:
            return await self._s.butterflymx.keychains.list(unit_ids=[unit_id])

        return await self._s.cache.get_or_fetch(
            "live", self._key("butterflymx", "keychains", unit_id), fetch
        )

    async def guests_of_lock(self, device_id: str) -> list[AccessPerson]:
        async def fetch() -> list[str]:
            accesses = await self._s.remotelock.doors.list_accesses(
                device_id, access_person_type="access_guest"
            )
            return sorted({a.access_person_id for a in accesses})

        ids = await self._s.cache.get_or_fetch(
            "live", self._key("remotelock", "lock_guests", device_id), fetch
        )
        guests = await self.access_guest.load_many(ids)
        return [g for g in guests if g is not None]

    async def all_guests(self) -> list[AccessPerson]:
        async def fetch() -> list[AccessPerson]:
            return await self._s.remotelock.people.list(
                statuses=ALL_STATUSES, types=["access_guest"]
            )

        return await self._s.cache.get_or_fetch("live", self._key("remotelock", "guests"), fetch)

    async def _door_releases_by_unit(self, keys: Sequence[str]) -> list[list[DoorRelease]]:
        async def fetch(missing: list[str]) -> list[DoorRelease]:
            return await self._s.butterflymx.door_releases.list(unit_ids=missing)

        return await grouped(
            self._s.cache,
            "live",
            self._key("butterflymx", "door_releases"),
            keys,
            fetch,
            lambda r: r.unit_id,
        )

    async def _access_guests(self, keys: Sequence[str]) -> list[AccessPerson | None]:
        async def fetch() -> list[AccessPerson]:
            return await self._s.remotelock.people.list(
                ids=list(keys), statuses=ALL_STATUSES, types=["access_guest"]
            )

        found = await self._s.cache.get_or_fetch(
            "live", self._key("remotelock", "guests_by_id", tuple(sorted(keys))), fetch
        )
        return pick({g.id: g for g in found}, keys)

    def _key(self, vendor: str, *parts: Any) -> tuple[Any, ...]:
        return (vendor, self._s.account(vendor), *parts)
