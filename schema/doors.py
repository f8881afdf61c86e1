"""Doors: ButterflyMX access points and smart locks and RemoteLock locks as one type."""

from __future__ import annotations

from collections.abc import Iterable
from enum import Enum
from typing import TYPE_CHECKING, Annotated

import strawberry
import strawberry.federation
from strawberry import relay

from connectors.butterflymx.units import Unit as BmxUnit
from connectors.errors import VendorError
from resolvers.access_loaders import BuildingDoors
from resolvers.doors import DoorView, from_access_point
from schema.activity import AccessGuest
from schema.context import Info, report
from schema.federation import Entity

if TYPE_CHECKING:
    from schema.access import Building, Unit


@strawberry.enum(description="The vendor that owns an object.")
class VendorName(Enum):
    BUTTERFLYMX = "butterflymx"
    REMOTELOCK = "remotelock"
    BUTLR = "butlr"


@strawberry.enum(description="What a door is.")
class DoorKind(Enum):
    ACCESS_POINT = "ACCESS_POINT"
    UNIT_LOCK = "UNIT_LOCK"
    COMMON_AREA_LOCK = "COMMON_AREA_LOCK"


@strawberry.enum(description="A lock's last reported state; UNKNOWN where the vendor has none.")
class LockState(Enum):
    LOCKED = "LOCKED"
    UNLOCKED = "UNLOCKED"
    UNKNOWN = "UNKNOWN"


@strawberry.type(description="What can be done with a door through its vendor.")
class DoorCapabilities:
    can_unlock: bool
    can_lock: bool
    can_issue_pin: bool
    can_issue_qr_key: bool


@strawberry.federation.type(
    keys=["id"], description="An entry a person can be let through: common or unit door."
)
class Door(Entity, relay.Node):
    key: relay.NodeID[str]
    view: strawberry.Private[DoorView]

    # Plain attributes, not resolvers: a dashboard resolves these for every door.
    name: str
    vendor: VendorName
    kind: DoorKind
    capabilities: DoorCapabilities
    state: LockState
    online: bool | None = strawberry.field(
        description="Connected to the vendor; null where the vendor does not say."
    )
    battery: int | None = strawberry.field(
        description="Battery level in per cent, where the vendor reports it."
    )

    @strawberry.field
    async def building(
        self, info: Info
    ) -> Annotated[Building, strawberry.lazy("schema.access")] | None:
        from schema.access import Building

        if self.view.building_id is None:
            return None
        record = await info.context.access.building.load(self.view.building_id)
        return Building.of(record) if record is not None else None

    @strawberry.field
    async def unit(self, info: Info) -> Annotated[Unit, strawberry.lazy("schema.access")] | None:
        from schema.access import Unit

        if self.view.unit_id is None:
            return None
        record = await info.context.access.unit.load(self.view.unit_id)
        return Unit.of(record) if record is not None else None

    @strawberry.field(description="RemoteLock guests whose PIN opens this lock (others: empty).")
    async def access_guests(self, info: Info) -> list[AccessGuest]:
        if self.view.vendor != "remotelock":
            return []
        guests = await info.context.activity.guests_of_lock(self.view.vendor_id)
        return [AccessGuest.of(g) for g in guests]

    @classmethod
    def of(cls, view: DoorView) -> Door:
        c = view.capabilities
        return cls(
            key=view.node_id,
            view=view,
            name=view.name,
            vendor=VendorName(view.vendor),
            kind=DoorKind(view.kind),
            capabilities=DoorCapabilities(
                can_unlock=c.can_unlock,
                can_lock=c.can_lock,
                can_issue_pin=c.can_issue_pin,
                can_issue_qr_key=c.can_issue_qr_key,
            ),
            state=LockState(view.state),
            online=view.online,
            battery=view.battery,
        )

    @classmethod
    async def resolve_nodes(
        cls, *, info: Info, node_ids: Iterable[str], required: bool = False
    ) -> list[Door | None]:
        views = await info.context.access.door.load_many(list(node_ids))
        return [cls.of(v) if v is not None else None for v in views]


async def access_point_doors(info: Info, building_id: str) -> list[DoorView]:
    points = await info.context.access.access_points_by_building.load(building_id)
    return [from_access_point(ap) for ap in points]


async def building_doors(info: Info, building_id: str) -> list[DoorView]:
    """Access points and unit locks from both vendors; a failing RemoteLock is reported here."""
    doors = await info.context.access.doors_of_building(building_id)
    if doors.remotelock_error is not None:
        report(info, doors.remotelock_error)
    return doors.views


async def unit_doors(info: Info, unit: BmxUnit) -> list[DoorView]:
    if unit.building_id is None:
        return []
    return doors_of_unit(info, unit, await info.context.access.doors_of_building(unit.building_id))


def lost_doors(info: Info, unit: BmxUnit, doors: BuildingDoors) -> VendorError | None:
    """Why this unit's RemoteLock lock is missing, if RemoteLock's part could not be read."""
    error = doors.remotelock_error
    locks = info.context.services.site_map.locks_for_unit(unit.id)
    return error if error is not None and any(x.vendor == "remotelock" for x in locks) else None


def doors_of_unit(info: Info, unit: BmxUnit, doors: BuildingDoors) -> list[DoorView]:
    """The unit's doors; a lost RemoteLock lock is reported at the field asking for them."""
    if (error := lost_doors(info, unit, doors)) is not None:
        report(info, error)
    site = info.context.services.site_map
    wanted = [(lock.vendor, lock.vendor_id) for lock in site.locks_for_unit(unit.id)]
    return [doors.by_key[key] for key in wanted if key in doors.by_key]
