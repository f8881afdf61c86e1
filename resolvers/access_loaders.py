"""Per-request dataloaders for the access hierarchy: Building → Unit → Tenant → Door.

Each loader fetches a whole level in the fewest vendor calls the vendor allows:
ButterflyMX has no unit-by-building filter, so units come from one walk of
`/v3/units` shared by every building; v4 tenants, access points and devices take one
unpaginated call per building (tenants by id: one call for the account); RemoteLock
locks one call per batch of locations. Everything sits on the shared reference cache.
"""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from typing import Any

from aiodataloader import DataLoader

from concierge.connectors.butterflymx.buildings import Building
from concierge.connectors.butterflymx.doors import AccessPoint, V4Device
from concierge.connectors.butterflymx.people import V4Tenant
from concierge.connectors.butterflymx.units import Unit
from concierge.connectors.errors import VendorError
from concierge.connectors.remotelock.doors import Device as RemoteLockDevice
from concierge.resolvers import doors
from concierge.resolvers.batching import grouped, index, keyed, pick
from concierge.resolvers.doors import BuildingDoors, DoorView
from concierge.resolvers.services import Services


class AccessLoaders:
    def __init__(self, services: Services) -> None:
        self._s = services
        self.building = DataLoader(self._buildings)
        self.unit = DataLoader(self._units)
        self.units_by_building = DataLoader(self._units_by_building)
        self.tenant = DataLoader(self._tenants)
        self.tenants_by_building = DataLoader(self._tenants_by_building)
        self.access_points_by_building = DataLoader(self._access_points_by_building)
        self.bmx_devices_by_building = DataLoader(self._bmx_devices_by_building)
        self.remotelock_locks_by_location = DataLoader(self._remotelock_locks_by_location)
        self.door = DataLoader(self._doors)
        self._door_sets = DataLoader(self._doors_of_building)
        self._tenants_by_unit: dict[str, dict[str, list[V4Tenant]]] = {}

    # Whole collections, cached as one entry each.

    async def all_buildings(self) -> list[Building]:
        return await self._s.cache.get_or_fetch(
            "reference", self._key("butterflymx", "buildings"), self._s.butterflymx.buildings.list
        )

    async def all_units(self) -> list[Unit]:
        return await self._s.cache.get_or_fetch(
            "reference", self._key("butterflymx", "units"), self._s.butterflymx.units.list
        )

    async def all_tenants(self) -> list[V4Tenant]:
        return await self._s.cache.get_or_fetch(
            "reference",
            self._key("butterflymx", "v4_tenants"),
            self._s.butterflymx.tenants.list,
        )

    # Batch functions: keys in, one result per key out, in order.

    async def _buildings(self, keys: Sequence[str]) -> list[Building | None]:
        return pick(index(await self.all_buildings(), lambda b: b.id), keys)

    async def _units(self, keys: Sequence[str]) -> list[Unit | None]:
        return pick(index(await self.all_units(), lambda u: u.id), keys)

    async def _units_by_building(self, keys: Sequence[str]) -> list[list[Unit]]:
        units = await self.all_units()
        return [[u for u in units if u.building_id == key] for key in keys]

    async def _tenants(self, keys: Sequence[str]) -> list[V4Tenant | None]:
        return pick(index(await self.all_tenants(), lambda t: str(t.id)), keys)

    async def tenants_by_unit(self, building_id: str) -> dict[str, list[V4Tenant]]:
        """The building's tenants by unit id, grouped once per request."""
        tenants = await self.tenants_by_building.load(building_id)
        by_unit = self._tenants_by_unit.get(building_id)
        if by_unit is None:
            by_unit = {}
            for tenant in tenants:
                by_unit.setdefault(str(tenant.unit.id), []).append(tenant)
            self._tenants_by_unit[building_id] = by_unit
        return by_unit

    async def _tenants_by_building(self, keys: Sequence[str]) -> list[list[V4Tenant]]:
        async def fetch(missing: list[str]) -> list[V4Tenant]:
            return await self._s.butterflymx.tenants.list(building_ids=missing)

        # `q[building_id_eq]` on tenants is not in the reference (only on access points and
        # devices): grouping by each tenant's own `building_id` stays right if it is ignored.
        return await grouped(
            self._s.cache,
            "reference",
            self._key("butterflymx", "v4_tenants_by_building"),
            keys,
            fetch,
            lambda t: str(t.building_id),
        )

    async def _access_points_by_building(self, keys: Sequence[str]) -> list[list[AccessPoint]]:
        async def fetch(missing: list[str]) -> list[AccessPoint]:
            return await self._s.butterflymx.access_points.list(building_ids=missing)

        return await grouped(
            self._s.cache,
            "reference",
            self._key("butterflymx", "access_points"),
            keys,
            fetch,
            lambda ap: str(ap.building_id),
        )

    async def _bmx_devices_by_building(self, keys: Sequence[str]) -> list[list[V4Device]]:
        async def fetch(missing: list[str]) -> list[V4Device]:
            return await self._s.butterflymx.devices.list(building_ids=missing)

        return await grouped(
            self._s.cache,
            "reference",
            self._key("butterflymx", "v4_devices"),
            keys,
            fetch,
            lambda d: str(d.building_id),
        )

    async def _remotelock_locks_by_location(
        self, keys: Sequence[str]
    ) -> list[list[RemoteLockDevice]]:
        async def fetch(missing: list[str]) -> list[RemoteLockDevice]:
            return await self._s.remotelock.doors.list(location_ids=missing, types=["lock"])

        # Lock state and battery are live data: this level uses the short TTL.
        return await grouped(
            self._s.cache,
            "live",
            self._key("remotelock", "locks"),
            keys,
            fetch,
            lambda d: d.location_id,
        )

    async def doors_of_building(self, building_id: str) -> BuildingDoors:
        """Every door of the building, assembled once per request however many ask."""
        doors = await self._door_sets.load(building_id)
        assert isinstance(doors, BuildingDoors)  # the loader raises a key's exception itself
        return doors

    async def _doors_of_building(self, keys: Sequence[str]) -> list[BuildingDoors | Exception]:
        """Every door of each building, assembled once per request."""
        sets = await asyncio.gather(*(self._assemble(key) for key in keys), return_exceptions=True)
        out: list[BuildingDoors | Exception] = []
        for outcome in sets:
            if isinstance(outcome, Exception):
                out.append(outcome)
            elif isinstance(outcome, BaseException):
                raise outcome  # cancellation
            else:
                out.append(outcome)
        return out

    async def _assemble(self, building_id: str) -> BuildingDoors:
        site = self._s.site_map
        entry = site.building(building_id)
        locations = list(entry.remotelock_location_ids) if entry is not None else []

        async def remotelock() -> list[list[RemoteLockDevice]]:
            return await self.remotelock_locks_by_location.load_many(locations) if locations else []

        # The three sources are independent: one round trip, not three.
        points, devices, groups = await asyncio.gather(
            self.access_points_by_building.load(building_id),
            self.bmx_devices_by_building.load(building_id),
            remotelock(),
            return_exceptions=True,
        )
        if isinstance(points, BaseException):
            raise points
        if isinstance(devices, BaseException):
            raise devices
        remotelock_error: VendorError | None = None
        if isinstance(groups, VendorError):
            remotelock_error, groups = groups, []
        elif isinstance(groups, BaseException):
            raise groups
        views = [doors.from_access_point(ap) for ap in points]
        views += [
            doors.from_bmx_device(d, site)
            for d in devices
            if d.type == "smart_lock" and site.lock("butterflymx", str(d.id)) is not None
        ]
        for group in groups:
            views += [doors.from_remotelock(d, site) for d in group]
        return BuildingDoors(views, remotelock_error)

    async def _doors(self, keys: Sequence[str]) -> list[DoorView | None]:
        """Doors by node id (`<source>:<vendor id>`), for `node(id:)` and entity lookups."""
        wanted: dict[str, list[str]] = {}
        for key in keys:
            source, _, vendor_id = key.partition(":")
            wanted.setdefault(source, []).append(vendor_id)
        found: dict[str, DoorView] = {}
        if doors.REMOTELOCK_LOCK in wanted:
            for device in await self._remotelock_devices(wanted[doors.REMOTELOCK_LOCK]):
                view = doors.from_remotelock(device, self._s.site_map)
                found[view.node_id] = view
        if doors.ACCESS_POINT in wanted or doors.BMX_DEVICE in wanted:
            buildings = [b.id for b in await self.all_buildings()]
            if doors.ACCESS_POINT in wanted:
                for group in await self.access_points_by_building.load_many(buildings):
                    for ap in group:
                        view = doors.from_access_point(ap)
                        found[view.node_id] = view
            if doors.BMX_DEVICE in wanted:
                for device_group in await self.bmx_devices_by_building.load_many(buildings):
                    for bmx_device in device_group:
                        view = doors.from_bmx_device(bmx_device, self._s.site_map)
                        found[view.node_id] = view
        return pick(found, keys)

    async def _remotelock_devices(self, ids: list[str]) -> list[RemoteLockDevice]:
        async def fetch(missing: list[str]) -> dict[str, RemoteLockDevice]:
            return {d.id: d for d in await self._s.remotelock.doors.list(ids=missing)}

        found = await keyed(self._s.cache, "live", self._key("remotelock", "device"), ids, fetch)
        return [device for device in found if device is not None]

    def _key(self, vendor: str, *parts: Any) -> tuple[Any, ...]:
        return (vendor, self._s.account(vendor), *parts)
