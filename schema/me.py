"""`me`: the ButterflyMX user this server acts as, and the buildings and units it reaches."""

from __future__ import annotations

import strawberry

from concierge.resolvers import access
from concierge.resolvers.access import MeView
from concierge.schema.access import Building, Unit
from concierge.schema.context import Info
from concierge.schema.graph import objects


@strawberry.type(description="The account behind this server's ButterflyMX access.")
class Me:
    view: strawberry.Private[MeView]

    @strawberry.field
    def name(self) -> str:
        return self.view.name

    @strawberry.field
    def email(self) -> str | None:
        return self.view.email

    @strawberry.field(description="Buildings this user administers or lives in.")
    async def buildings(self, info: Info) -> list[Building]:
        return objects(
            info, Building, await access.buildings_of(info.context, self.view.building_ids)
        )

    @strawberry.field(description="Units where this user is a tenant.")
    async def units(self, info: Info) -> list[Unit]:
        return objects(info, Unit, await access.units_of(info.context, self.view.unit_ids))
