"""Access hierarchy types: Building → Unit → Tenant (ButterflyMX); doors are in `schema.doors`."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import TYPE_CHECKING, Annotated

import strawberry
import strawberry.federation
from strawberry import relay

from concierge.resolvers import access, activity, doors, keys, occupancy
from concierge.resolvers.access import BuildingView, PanelView, TenantView, UnitView
from concierge.schema.activity import Call, CallType, DoorRelease, Keychain
from concierge.schema.context import Info, selected_names, value_of
from concierge.schema.doors import Door, DoorKind, VendorName
from concierge.schema.execution import prefilled
from concierge.schema.federation import Entity
from concierge.schema.graph import NodeType, objects, one
from concierge.schema.keys import VisitorKey

if TYPE_CHECKING:
    from concierge.schema.occupancy import Space


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
    view: strawberry.Private[TenantView]
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
        return one(info, Unit, await access.unit(info.context, self.view.unit_id))

    @classmethod
    def of(cls, view: TenantView) -> Tenant:
        return cls(
            key=view.key,
            view=view,
            first_name=view.first_name,
            last_name=view.last_name,
            name=view.name,
            email=view.email,
            inactive_after=view.inactive_after,
        )


@strawberry.federation.type(
    keys=["id"], description="An apartment, office or other unit in a building."
)
class Unit(Entity, relay.Node):
    key: relay.NodeID[str]
    view: strawberry.Private[UnitView]
    # Plain attributes, not resolvers: lists resolve these for every item.
    label: str
    floor: int | None

    @strawberry.field
    async def building(self, info: Info) -> Building | None:
        return one(info, Building, await access.building(info.context, self.view.building_id))

    # Filled in by `Building.units` for every unit at once (through the same checks), and
    # then read without calling the resolvers below; a unit reached another way loads its own.
    ready_tenants: strawberry.Private[list[Tenant] | None] = None
    ready_doors: strawberry.Private[list[Door] | None] = None

    @strawberry.field(metadata=prefilled("ready_tenants"))
    async def tenants(self, info: Info) -> list[Tenant]:
        return objects(info, Tenant, await access.unit_tenants(info.context, self.view))

    @strawberry.field(
        description="The unit's own door locks, from every vendor.",
        metadata=prefilled("ready_doors"),
    )
    async def doors(self, info: Info) -> list[Door]:
        found = await doors.unit_doors(info.context, self.view.id, self.view.building_id)
        return objects(info, Door, value_of(info, found))

    @relay.connection(relay.ListConnection[Call], description="Intercom calls to this unit.")
    async def calls(
        self,
        info: Info,
        call_type: CallType | None = None,
        since: datetime | None = None,
        until: datetime | None = None,
    ) -> Iterable[Call]:
        kind = call_type.value if call_type is not None else None
        views = await activity.unit_calls(info.context, self.view.id, kind, since, until)
        return objects(info, Call, views)

    @relay.connection(relay.ListConnection[DoorRelease], description="Door openings, newest first.")
    async def door_releases(
        self, info: Info, since: datetime | None = None
    ) -> Iterable[DoorRelease]:
        views = await activity.unit_door_releases(info.context, self.view.id, since)
        return objects(info, DoorRelease, views)

    @strawberry.field(description="Visitor QR keychains issued for this unit.")
    async def keychains(self, info: Info) -> list[Keychain]:
        return objects(info, Keychain, await activity.unit_keychains(info.context, self.view.id))

    @strawberry.field(description="Visitor keys issued here through Concierge, revoked too.")
    async def visitor_keys(self, info: Info) -> list[VisitorKey]:
        return objects(info, VisitorKey, await keys.unit_keys(info.context, self.view.id))

    @classmethod
    def of(cls, view: UnitView) -> Unit:
        return cls(key=view.key, view=view, label=view.label, floor=view.floor)


@strawberry.type(description="A ButterflyMX intercom panel at a building entrance.")
class Panel(NodeType, relay.Node):
    key: relay.NodeID[str]
    name: str

    @classmethod
    def of(cls, view: PanelView) -> Panel:
        return cls(key=view.key, name=view.name)


@strawberry.federation.type(
    keys=["id"],
    description="A building: ButterflyMX's, joined to RemoteLock and Butlr by the site map.",
)
class Building(Entity, relay.Node):
    key: relay.NodeID[str]
    view: strawberry.Private[BuildingView]

    @strawberry.field
    def name(self) -> str:
        return self.view.name

    @strawberry.field
    def address(self) -> Address:
        a = self.view.address
        return Address(
            line1=a.line1,
            line2=a.line2,
            city=a.city,
            state=a.state,
            zip_code=a.zip_code,
            country=a.country,
        )

    @strawberry.field(description="The building's time zone as ButterflyMX names it.")
    def time_zone(self) -> str | None:
        return self.view.time_zone

    @relay.connection(
        relay.ListConnection[Unit], description="Units, optionally by floor or label."
    )
    async def units(
        self, info: Info, floor: int | None = None, label: str | None = None
    ) -> Iterable[Unit]:
        found = await access.building_units(
            info.context, self.view.id, selected_names(info), floor, label
        )
        units = objects(info, Unit, found.units)
        for unit in units:
            if found.tenants is not None:
                unit.ready_tenants = objects(info, Tenant, found.tenants.get(unit.view.id, []))
            if found.doors is not None and unit.view.id in found.doors:
                unit.ready_doors = objects(info, Door, found.doors[unit.view.id])
        return units

    @strawberry.field
    async def unit_count(self, info: Info) -> int:
        return await access.unit_count(info.context, self.view.id)

    @strawberry.field(description="Common entries: ButterflyMX access points.")
    async def access_points(self, info: Info) -> list[Door]:
        return objects(info, Door, await doors.access_points(info.context, self.view.id))

    @strawberry.field(description="Every door of the building, optionally by vendor or kind.")
    async def doors(
        self, info: Info, vendor: VendorName | None = None, kind: DoorKind | None = None
    ) -> list[Door]:
        found = await doors.building_doors(
            info.context,
            self.view.id,
            vendor.value if vendor is not None else None,
            kind.value if kind is not None else None,
        )
        return objects(info, Door, value_of(info, found))

    @strawberry.field(description="The building's intercom panels.")
    def panels(self, info: Info) -> list[Panel]:
        return objects(info, Panel, self.view.panels)

    @relay.connection(relay.ListConnection[Call], description="Intercom calls, newest first.")
    async def calls(
        self,
        info: Info,
        call_type: CallType | None = None,
        since: datetime | None = None,
        until: datetime | None = None,
    ) -> Iterable[Call]:
        kind = call_type.value if call_type is not None else None
        views = await activity.building_calls(info.context, self.view.id, kind, since, until)
        return objects(info, Call, views)

    @relay.connection(relay.ListConnection[DoorRelease], description="Door openings, newest first.")
    async def door_releases(
        self, info: Info, since: datetime | None = None
    ) -> Iterable[DoorRelease]:
        views = await activity.building_door_releases(info.context, self.view.id, since)
        return objects(info, DoorRelease, views)

    @strawberry.field(description="The building's Butlr spaces (null when Butlr cannot answer).")
    async def spaces(
        self, info: Info
    ) -> list[Annotated[Space, strawberry.lazy("concierge.schema.occupancy")]] | None:
        from concierge.schema.occupancy import Space

        views = await occupancy.building_spaces(
            info.context, self.view.id, "occupancy" in selected_names(info)
        )
        return objects(info, Space, views)

    @classmethod
    def of(cls, view: BuildingView) -> Building:
        return cls(key=view.key, view=view)
