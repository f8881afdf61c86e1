"""Access hierarchy types: Building → Unit → Tenant (ButterflyMX); doors are in `schema.doors`."""

from __future__ import annotations

import asyncio
from collections.abc import Iterable
from datetime import datetime
from typing import TYPE_CHECKING, Annotated

import strawberry
import strawberry.federation
from strawberry import relay

from connectors.butterflymx.buildings import Building as BmxBuilding
from connectors.butterflymx.people import V4Tenant
from connectors.butterflymx.units import Unit as BmxUnit
from connectors.errors import VendorError
from resolvers.access_loaders import BuildingDoors
from schema.activity import Call, CallType, DoorRelease, Keychain, filter_calls
from schema.context import Info, selected_names, start, vendor_id
from schema.doors import (
    Door,
    DoorKind,
    VendorName,
    access_point_doors,
    building_doors,
    doors_of_unit,
    lost_doors,
    unit_doors,
)
from schema.execution import prefilled
from schema.federation import Entity

if TYPE_CHECKING:
    from schema.occupancy import Space


@strawberry.type(description="A postal address.")
class Address:
    line1: str | None
    line2: str | None
    city: str | None
    state: str | None
    zip_code: str | None
    country: str | None


@strawberry.federation.type(
    keys=["id"], description="A person's tenancy in a unit (a ButterflyMX tenant)."
)
class Tenant(Entity, relay.Node):
    key: relay.NodeID[str]
    record: strawberry.Private[V4Tenant]
    # Plain attributes, not resolvers: lists resolve these for every item.
    first_name: str | None
    last_name: str | None
    name: str
    email: str | None
    inactive_after: datetime | None = strawberry.field(
        description="When the tenancy ends; null while it is open-ended."
    )

    @strawberry.field
    async def unit(self, info: Info) -> Unit | None:
        record = await info.context.access.unit.load(str(self.record.unit.id))
        return Unit.of(record) if record is not None else None

    @classmethod
    def of(cls, record: V4Tenant) -> Tenant:
        parts = [record.first_name, record.last_name]
        return cls(
            key=f"butterflymx:{record.id}",
            record=record,
            first_name=record.first_name,
            last_name=record.last_name,
            name=record.full_name or " ".join(p for p in parts if p),
            email=record.email,
            inactive_after=record.inactive_after,
        )

    @classmethod
    async def resolve_nodes(
        cls, *, info: Info, node_ids: Iterable[str], required: bool = False
    ) -> list[Tenant | None]:
        records = await info.context.access.tenant.load_many([vendor_id(n) for n in node_ids])
        return [cls.of(r) if r is not None else None for r in records]


@strawberry.federation.type(
    keys=["id"], description="An apartment, office or other unit in a building."
)
class Unit(Entity, relay.Node):
    key: relay.NodeID[str]
    record: strawberry.Private[BmxUnit]
    # Plain attributes, not resolvers: lists resolve these for every item.
    label: str
    floor: int | None

    @strawberry.field
    async def building(self, info: Info) -> Building | None:
        if self.record.building_id is None:
            return None
        record = await info.context.access.building.load(self.record.building_id)
        return Building.of(record) if record is not None else None

    # Filled in by `Building.units` for every unit at once, and then read without calling
    # the resolvers below; a unit reached another way loads its own.
    ready_tenants: strawberry.Private[list[Tenant] | None] = None
    ready_doors: strawberry.Private[list[Door] | None] = None

    @strawberry.field(metadata=prefilled("ready_tenants"))
    async def tenants(self, info: Info) -> list[Tenant]:
        if self.record.building_id is None:
            return []
        by_unit = await info.context.access.tenants_by_unit(self.record.building_id)
        return [Tenant.of(r) for r in by_unit.get(self.record.id, [])]

    @strawberry.field(
        description="The unit's own door locks, from every vendor.",
        metadata=prefilled("ready_doors"),
    )
    async def doors(self, info: Info) -> list[Door]:
        return [Door.of(v) for v in await unit_doors(info, self.record)]

    @relay.connection(relay.ListConnection[Call], description="Intercom calls to this unit.")
    async def calls(
        self,
        info: Info,
        call_type: CallType | None = None,
        since: datetime | None = None,
        until: datetime | None = None,
    ) -> Iterable[Call]:
        calls = await info.context.activity.calls_of_units(self.record.id, [self.record.id])
        return filter_calls(calls, call_type, since, until)

    @relay.connection(relay.ListConnection[DoorRelease], description="Door openings, newest first.")
    async def door_releases(
        self, info: Info, since: datetime | None = None
    ) -> Iterable[DoorRelease]:
        records = await info.context.activity.door_releases_by_unit.load(self.record.id)
        return [DoorRelease.of(r) for r in records if since is None or r.created_at >= since]

    @strawberry.field(description="Visitor QR keychains issued for this unit.")
    async def keychains(self, info: Info) -> list[Keychain]:
        return [
            Keychain.of(k) for k in await info.context.activity.keychains_of_unit(self.record.id)
        ]

    @classmethod
    def of(cls, record: BmxUnit) -> Unit:
        return cls(
            key=f"butterflymx:{record.id}",
            record=record,
            label=record.label,
            floor=record.floor_number,
        )

    @classmethod
    async def resolve_nodes(
        cls, *, info: Info, node_ids: Iterable[str], required: bool = False
    ) -> list[Unit | None]:
        records = await info.context.access.unit.load_many([vendor_id(n) for n in node_ids])
        return [cls.of(r) if r is not None else None for r in records]


@strawberry.type(description="A ButterflyMX intercom panel at a building entrance.")
class Panel(relay.Node):
    key: relay.NodeID[str]
    name: str

    @classmethod
    async def resolve_nodes(
        cls, *, info: Info, node_ids: Iterable[str], required: bool = False
    ) -> list[Panel | None]:
        panels = {
            f"butterflymx:{p.id}": p.name
            for b in await info.context.access.all_buildings()
            for p in b.panels
        }
        return [cls(key=n, name=panels[n]) if n in panels else None for n in node_ids]


@strawberry.federation.type(
    keys=["id"],
    description="A building: ButterflyMX's, joined to RemoteLock and Butlr by the site map.",
)
class Building(Entity, relay.Node):
    key: relay.NodeID[str]
    record: strawberry.Private[BmxBuilding]

    @strawberry.field
    def name(self) -> str:
        return self.record.name

    @strawberry.field
    def address(self) -> Address:
        r = self.record
        return Address(
            line1=r.address_1,
            line2=r.address_2,
            city=r.city,
            state=r.state,
            zip_code=r.zip_code,
            country=r.country,
        )

    @strawberry.field(description="The building's time zone as ButterflyMX names it.")
    def time_zone(self) -> str | None:
        return self.record.time_zone

    @relay.connection(
        relay.ListConnection[Unit], description="Units, optionally by floor or label."
    )
    async def units(
        self, info: Info, floor: int | None = None, label: str | None = None
    ) -> Iterable[Unit]:
        records, (tenants, doors) = await asyncio.gather(
            info.context.access.units_by_building.load(self.record.id),
            unit_extras(info, self.record.id),
        )
        units = [
            Unit.of(u)
            for u in sorted(records, key=lambda u: (u.floor_number or 0, u.label))
            if (floor is None or u.floor_number == floor) and (label is None or u.label == label)
        ]
        for unit in units:
            if tenants is not None:
                unit.ready_tenants = tenants.get(unit.record.id, [])
            if doors is not None and lost_doors(info, unit.record, doors) is None:
                unit.ready_doors = [Door.of(v) for v in doors_of_unit(info, unit.record, doors)]
        return units

    @strawberry.field
    async def unit_count(self, info: Info) -> int:
        return len(await info.context.access.units_by_building.load(self.record.id))

    @strawberry.field(description="Common entries: ButterflyMX access points.")
    async def access_points(self, info: Info) -> list[Door]:
        return [Door.of(v) for v in await access_point_doors(info, self.record.id)]

    @strawberry.field(description="Every door of the building, optionally by vendor or kind.")
    async def doors(
        self, info: Info, vendor: VendorName | None = None, kind: DoorKind | None = None
    ) -> list[Door]:
        views = await building_doors(info, self.record.id)
        return [
            Door.of(v)
            for v in views
            if (vendor is None or v.vendor == vendor.value)
            and (kind is None or v.kind == kind.value)
        ]

    @strawberry.field(description="The building's intercom panels.")
    def panels(self) -> list[Panel]:
        return [Panel(key=f"butterflymx:{p.id}", name=p.name) for p in self.record.panels]

    @relay.connection(relay.ListConnection[Call], description="Intercom calls, newest first.")
    async def calls(
        self,
        info: Info,
        call_type: CallType | None = None,
        since: datetime | None = None,
        until: datetime | None = None,
    ) -> Iterable[Call]:
        units = await info.context.access.units_by_building.load(self.record.id)
        calls = await info.context.activity.calls_of_units(
            f"building:{self.record.id}", [u.id for u in units]
        )
        return filter_calls(calls, call_type, since, until)

    @relay.connection(relay.ListConnection[DoorRelease], description="Door openings, newest first.")
    async def door_releases(
        self, info: Info, since: datetime | None = None
    ) -> Iterable[DoorRelease]:
        units = await info.context.access.units_by_building.load(self.record.id)
        groups = await info.context.activity.door_releases_by_unit.load_many([u.id for u in units])
        records = sorted((r for g in groups for r in g), key=lambda r: r.created_at, reverse=True)
        return [DoorRelease.of(r) for r in records if since is None or r.created_at >= since]

    @strawberry.field(description="The building's Butlr spaces (null when Butlr cannot answer).")
    async def spaces(
        self, info: Info
    ) -> list[Annotated[Space, strawberry.lazy("schema.occupancy")]] | None:
        from schema.occupancy import spaces_of_building

        return await spaces_of_building(info, self.record.id)

    @classmethod
    def of(cls, record: BmxBuilding) -> Building:
        return cls(key=f"butterflymx:{record.id}", record=record)

    @classmethod
    async def resolve_nodes(
        cls, *, info: Info, node_ids: Iterable[str], required: bool = False
    ) -> list[Building | None]:
        ids = [vendor_id(n) for n in node_ids]
        prefetch_buildings(info, ids)
        records = await info.context.access.building.load_many(ids)
        return [cls.of(r) if r is not None else None for r in records]


def prefetch_buildings(info: Info, building_ids: list[str] | None) -> None:
    """Start what the selected fields below these buildings will need, now.

    Units, tenants, doors, spaces and occupancy hang off the building but need only its
    id (and the site map), not its record: fetching them alongside the building takes a
    round trip off the critical path. With no ids (a listing) only the account-wide
    collections start early. Failures are left for the fields to report.
    """
    wanted = selected_names(info)
    access, occupancy = info.context.access, info.context.occupancy
    if wanted & {"units", "unitCount", "calls", "doorReleases"}:
        start(info, access.all_units())
    for building_id in building_ids or []:
        if "tenants" in wanted:
            start(info, access.tenants_by_building.load(building_id))
        if wanted & {"doors", "accessPoints"}:
            start(info, access.doors_of_building(building_id))
        entry = info.context.services.site_map.building(building_id)
        if "spaces" in wanted and entry is not None:
            start(info, occupancy.space.load_many(list(entry.butlr_space_ids)))
            if "occupancy" in wanted:
                start(info, occupancy.prefetch_current(list(entry.butlr_space_ids)))


async def unit_extras(
    info: Info, building_id: str
) -> tuple[dict[str, list[Tenant]] | None, BuildingDoors | None]:
    """The units' tenants (by unit id) and door locks, loaded alongside the units.

    Both depend on the building, not on each unit: loading them now takes them off the
    critical path (tenants are even made graph objects while the units are still coming)
    and answers every unit's fields without a coroutine per unit. What is not selected, or
    fails, is left as None for the unit's own field to load and report.
    """
    wanted = selected_names(info)
    access = info.context.access

    async def tenants() -> dict[str, list[Tenant]] | None:
        if "tenants" not in wanted:
            return None
        try:
            by_unit = await access.tenants_by_unit(building_id)
        except VendorError:
            return None
        return {unit_id: [Tenant.of(t) for t in found] for unit_id, found in by_unit.items()}

    async def doors() -> BuildingDoors | None:
        if "doors" not in wanted:
            return None
        try:
            return await access.doors_of_building(building_id)
        except VendorError:
            return None

    found_tenants, found_doors = await asyncio.gather(tenants(), doors())
    return found_tenants, found_doors
