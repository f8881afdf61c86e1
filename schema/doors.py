"""Doors: ButterflyMX access points and smart locks and RemoteLock locks as one type."""

from __future__ import annotations

from enum import Enum
from typing import TYPE_CHECKING, Annotated

import strawberry
import strawberry.federation
from strawberry import relay

from concierge.resolvers import access, activity
from concierge.resolvers.doors import DoorView
from concierge.schema.activity import AccessGuest
from concierge.schema.context import Info
from concierge.schema.federation import Entity
from concierge.schema.graph import objects, one

if TYPE_CHECKING:
    from concierge.schema.access import Building, Unit


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
    ) -> Annotated[Building, strawberry.lazy("concierge.schema.access")] | None:
        from concierge.schema.access import Building

        return one(info, Building, await access.building(info.context, self.view.building_id))

    @strawberry.field
    async def unit(
        self, info: Info
    ) -> Annotated[Unit, strawberry.lazy("concierge.schema.access")] | None:
        from concierge.schema.access import Unit

        return one(info, Unit, await access.unit(info.context, self.view.unit_id))

    @strawberry.field(description="RemoteLock guests whose PIN opens this lock (others: empty).")
    async def access_guests(self, info: Info) -> list[AccessGuest]:
        guests = await activity.lock_guests(info.context, self.view.vendor, self.view.vendor_id)
        return objects(info, AccessGuest, guests)

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
