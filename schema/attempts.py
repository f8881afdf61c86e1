"""`UnlockAttempt`: one unlock or lock of a door, followed from request to confirmation."""

from __future__ import annotations

from datetime import datetime
from enum import Enum
from typing import TYPE_CHECKING, Annotated

import strawberry
from strawberry import relay

from concierge.resolvers import access, doors
from concierge.resolvers.unlocks import AttemptView
from concierge.schema.context import Info
from concierge.schema.doors import Door, VendorName
from concierge.schema.graph import NodeType, one

if TYPE_CHECKING:
    from concierge.schema.access import Tenant


@strawberry.enum(description="What was asked of the door.")
class DoorAction(Enum):
    UNLOCK = "unlock"
    LOCK = "lock"


@strawberry.enum(description="How far an unlock or lock has got.")
class UnlockStatus(Enum):
    PENDING = "PENDING"  # recorded; the vendor is being asked
    ACCEPTED = "ACCEPTED"  # the vendor took the command
    CONFIRMED = "CONFIRMED"  # a vendor event or record shows it happened
    FAILED = "FAILED"  # the vendor refused, or the lock reported failure
    TIMED_OUT = "TIMED_OUT"  # no confirmation within the confirmation timeout
    UNKNOWN = "UNKNOWN"  # the vendor did not answer: never resent, confirmation decides


@strawberry.type(
    description="An unlock or lock of a door: readable later by `node(id:)` as it settles."
)
class UnlockAttempt(NodeType, relay.Node):
    key: relay.NodeID[str]
    view: strawberry.Private[AttemptView]
    action: DoorAction
    status: UnlockStatus
    vendor: VendorName
    vendor_reference: str | None = strawberry.field(
        description="The vendor's record of the command, e.g. `door_release:123`."
    )
    error_code: str | None = strawberry.field(description="Why it failed, for programs.")
    error_message: str | None
    created_at: datetime
    accepted_at: datetime | None
    confirmed_at: datetime | None
    finished_at: datetime | None

    @strawberry.field(description="The door as it is now.")
    async def door(self, info: Info) -> Door | None:
        return one(info, Door, (await doors.doors_by_id(info.context, [self.view.door_key]))[0])

    @strawberry.field(description="The tenant on whose behalf the door was opened.")
    async def tenant(
        self, info: Info
    ) -> Annotated[Tenant, strawberry.lazy("concierge.schema.access")] | None:
        from concierge.schema.access import Tenant

        return one(info, Tenant, await access.tenant(info.context, self.view.tenant_key))

    @classmethod
    def of(cls, view: AttemptView) -> UnlockAttempt:
        return cls(
            key=view.key,
            view=view,
            action=DoorAction(view.action),
            status=UnlockStatus(view.status),
            vendor=VendorName(view.vendor),
            vendor_reference=view.vendor_reference,
            error_code=view.error_code,
            error_message=view.error_message,
            created_at=view.created_at,
            accepted_at=view.accepted_at,
            confirmed_at=view.confirmed_at,
            finished_at=view.finished_at,
        )
