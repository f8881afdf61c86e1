"""The access hierarchy in the graph's vocabulary: buildings, units, tenants, panels, `me`.

Vendor records become views here (plain, frozen, vendor-neutral); the schema turns views
into graph objects. What a building's units need (tenants, doors) is fetched alongside
the units, so a dashboard waits for one round trip where a naive walk waits for three.
"""

from __future__ import annotations

import asyncio
from collections.abc import Collection
from dataclasses import dataclass
from datetime import datetime

from concierge.connectors.butterflymx.buildings import Building
from concierge.connectors.butterflymx.me import Me
from concierge.connectors.butterflymx.people import V4Tenant
from concierge.connectors.butterflymx.units import Unit
from concierge.connectors.errors import VendorError
from concierge.resolvers.checks import ADMIT_ALL, admitted
from concierge.resolvers.context import RequestContext
from concierge.resolvers.doors import BuildingDoors, DoorView, doors_of_unit, lost_doors
from concierge.resolvers.ids import vendor_ids


@dataclass(frozen=True, slots=True)
class AddressView:
    line1: str | None
    line2: str | None
    city: str | None
    state: str | None
    zip_code: str | None
    country: str | None


@dataclass(frozen=True, slots=True)
class PanelView:
    key: str
    name: str


@dataclass(frozen=True, slots=True)
class BuildingView:
    key: str
    id: str
    name: str
    address: AddressView
    time_zone: str | None
    panels: tuple[PanelView, ...]


@dataclass(frozen=True, slots=True)
class UnitView:
    key: str
    id: str
    label: str
    floor: int | None
    building_id: str | None


@dataclass(frozen=True, slots=True)
class TenantView:
    key: str
    id: str
    first_name: str | None
    last_name: str | None
    name: str
    email: str | None
    inactive_after: datetime | None
    unit_id: str
    building_id: str


@dataclass(frozen=True, slots=True)
class MeView:
    name: str
    email: str | None
    building_ids: tuple[str, ...]
    unit_ids: tuple[str, ...]


def building_view(record: Building) -> BuildingView:
    return BuildingView(
        key=f"butterflymx:{record.id}",
        id=record.id,
        name=record.name,
        address=AddressView(
            line1=record.address_1,
            line2=record.address_2,
            city=record.city,
            state=record.state,
            zip_code=record.zip_code,
            country=record.country,
        ),
        time_zone=record.time_zone,
        panels=tuple(PanelView(key=f"butterflymx:{p.id}", name=p.name) for p in record.panels),
    )


def unit_view(record: Unit) -> UnitView:
    return UnitView(
        key=f"butterflymx:{record.id}",
        id=record.id,
        label=record.label,
        floor=record.floor_number,
        building_id=record.building_id,
    )


def tenant_view(record: V4Tenant) -> TenantView:
    parts = [record.first_name, record.last_name]
    return TenantView(
        key=f"butterflymx:{record.id}",
        id=str(record.id),
        first_name=record.first_name,
        last_name=record.last_name,
        name=record.full_name or " ".join(p for p in parts if p),
        email=record.email,
        inactive_after=record.inactive_after,
        unit_id=str(record.unit.id),
        building_id=str(record.building_id),
    )


# Lookups by id (node lookups, parents of children).


async def buildings(ctx: RequestContext, wanted: Collection[str]) -> list[BuildingView]:
    """Every building of the account, by name; `wanted` (the fields selected below) starts
    what they will need now."""
    prefetch_buildings(ctx, None, wanted)
    records = await ctx.access.all_buildings()
    return [building_view(b) for b in sorted(records, key=lambda b: b.name)]


async def buildings_by_id(
    ctx: RequestContext, node_ids: list[str], wanted: Collection[str] = ()
) -> list[BuildingView | None]:
    ids = vendor_ids(node_ids)
    prefetch_buildings(ctx, ids, wanted)
    records = await ctx.access.building.load_many(ids)
    return [building_view(r) if r is not None else None for r in records]


async def building(ctx: RequestContext, building_id: str | None) -> BuildingView | None:
    if building_id is None:
        return None
    record = await ctx.access.building.load(building_id)
    return building_view(record) if record is not None else None


async def units_by_id(ctx: RequestContext, node_ids: list[str]) -> list[UnitView | None]:
    records = await ctx.access.unit.load_many(vendor_ids(node_ids))
    return [unit_view(r) if r is not None else None for r in records]


async def unit(ctx: RequestContext, unit_id: str | None) -> UnitView | None:
    if unit_id is None:
        return None
    record = await ctx.access.unit.load(unit_id)
    return unit_view(record) if record is not None else None


async def tenants_by_id(ctx: RequestContext, node_ids: list[str]) -> list[TenantView | None]:
    records = await ctx.access.tenant.load_many(vendor_ids(node_ids))
    return [tenant_view(r) if r is not None else None for r in records]


async def tenant(ctx: RequestContext, node_key: str | None) -> TenantView | None:
    """One tenant by node key (None: none named)."""
    if node_key is None:
        return None
    return (await tenants_by_id(ctx, [node_key]))[0]


async def panels_by_id(ctx: RequestContext, node_ids: list[str]) -> list[PanelView | None]:
    panels = {p.key: p for b in await ctx.access.all_buildings() for p in building_view(b).panels}
    return [panels.get(n) for n in node_ids]


async def me(ctx: RequestContext) -> MeView:
    async def fetch() -> Me:
        return await ctx.services.butterflymx.me.get(include=["tenants"])

    services = ctx.services
    key = ("butterflymx", services.account("butterflymx"), "me")
    record = await services.cache.get_or_fetch("reference", key, fetch)
    return MeView(
        name=record.user.name,
        email=record.user.email,
        building_ids=tuple(record.building_ids),
        unit_ids=tuple(t.unit_id for t in record.tenants if t.unit_id is not None),
    )


async def buildings_of(ctx: RequestContext, building_ids: Collection[str]) -> list[BuildingView]:
    records = await ctx.access.building.load_many(list(building_ids))
    return [building_view(r) for r in records if r is not None]


async def units_of(ctx: RequestContext, unit_ids: Collection[str]) -> list[UnitView]:
    records = await ctx.access.unit.load_many(list(unit_ids))
    return [unit_view(r) for r in records if r is not None]


# A building's units, with what they need fetched alongside.


@dataclass(frozen=True, slots=True)
class BuildingUnits:
    """A building's units, and (when selected and readable) each unit's tenants and doors
    by unit id, ready for the units' own fields."""

    units: list[UnitView]
    tenants: dict[str, list[TenantView]] | None
    doors: dict[str, list[DoorView]] | None


async def building_units(
    ctx: RequestContext,
    building_id: str,
    wanted: Collection[str],
    floor: int | None = None,
    label: str | None = None,
) -> BuildingUnits:
    records, (tenants, doors) = await asyncio.gather(
        ctx.access.units_by_building.load(building_id), _unit_extras(ctx, building_id, wanted)
    )
    units = [
        unit_view(u)
        for u in sorted(records, key=lambda u: (u.floor_number or 0, u.label))
        if (floor is None or u.floor_number == floor) and (label is None or u.label == label)
    ]
    ready_doors: dict[str, list[DoorView]] | None = None
    if doors is not None:
        ready_doors = {}
        for u in units:
            # A unit whose RemoteLock lock is lost loads its own doors, to report the gap.
            if lost_doors(ctx, u.id, doors) is None:
                ready_doors[u.id] = doors_of_unit(ctx, u.id, doors)
    return BuildingUnits(units, tenants, ready_doors)


async def _unit_extras(
    ctx: RequestContext, building_id: str, wanted: Collection[str]
) -> tuple[dict[str, list[TenantView]] | None, BuildingDoors | None]:
    """The units' tenants (by unit id) and door locks, loaded alongside the units.

    Both depend on the building, not on each unit: loading them now takes them off the
    critical path (tenants are even mapped while the units are still coming) and answers
    every unit's fields without a coroutine per unit. What is not selected, or fails, is
    left as None for the unit's own field to load and report.
    """
    access = ctx.access

    async def tenants() -> dict[str, list[TenantView]] | None:
        if "tenants" not in wanted:
            return None
        try:
            by_unit = await access.tenants_by_unit(building_id)
        except VendorError:
            return None
        return {unit_id: [tenant_view(t) for t in found] for unit_id, found in by_unit.items()}

    async def doors() -> BuildingDoors | None:
        if "doors" not in wanted:
            return None
        try:
            return await access.doors_of_building(building_id)
        except VendorError:
            return None

    found_tenants, found_doors = await asyncio.gather(tenants(), doors())
    return found_tenants, found_doors


async def unit_count(ctx: RequestContext, building_id: str) -> int:
    """The building's units this request may see (a tenant counts their own)."""
    records = await ctx.access.units_by_building.load(building_id)
    if ctx.checks is ADMIT_ALL:
        return len(records)
    return len(admitted(ctx.checks, (unit_view(r) for r in records), nested=True))


async def unit_tenants(ctx: RequestContext, unit: UnitView) -> list[TenantView]:
    if unit.building_id is None:
        return []
    by_unit = await ctx.access.tenants_by_unit(unit.building_id)
    return [tenant_view(r) for r in by_unit.get(unit.id, [])]


def prefetch_buildings(
    ctx: RequestContext, building_ids: list[str] | None, wanted: Collection[str]
) -> None:
    """Start what the selected fields below these buildings will need, now.

    Units, tenants, doors, spaces and occupancy hang off the building but need only its
    id (and the site map), not its record: fetching them alongside the building takes a
    round trip off the critical path. With no ids (a listing) only the account-wide
    collections start early. Failures are left for the fields to report.
    """
    access, occupancy = ctx.access, ctx.occupancy
    if any(name in wanted for name in ("units", "unitCount", "calls", "doorReleases")):
        ctx.start(access.all_units())
    for building_id in building_ids or []:
        if "tenants" in wanted:
            ctx.start(access.tenants_by_building.load(building_id))
        if "doors" in wanted or "accessPoints" in wanted:
            ctx.start(access.doors_of_building(building_id))
        entry = ctx.services.site_map.building(building_id)
        if "spaces" in wanted and entry is not None:
            ctx.start(occupancy.space.load_many(list(entry.butlr_space_ids)))
            if "occupancy" in wanted:
                ctx.start(occupancy.prefetch_current(list(entry.butlr_space_ids)))
