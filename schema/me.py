"""`me`: the ButterflyMX user this server acts as, and the buildings and units it reaches."""

from __future__ import annotations

import strawberry

from connectors.butterflymx.me import Me as BmxMe
from schema.access import Building, Unit
from schema.context import Info


@strawberry.type(description="The account behind this server's ButterflyMX access.")
class Me:
    record: strawberry.Private[BmxMe]

    @strawberry.field
    def name(self) -> str:
        return self.record.user.name

    @strawberry.field
    def email(self) -> str | None:
        return self.record.user.email

    @strawberry.field(description="Buildings this user administers or lives in.")
    async def buildings(self, info: Info) -> list[Building]:
        records = await info.context.access.building.load_many(list(self.record.building_ids))
        return [Building.of(r) for r in records if r is not None]

    @strawberry.field(description="Units where this user is a tenant.")
    async def units(self, info: Info) -> list[Unit]:
        unit_ids = [t.unit_id for t in self.record.tenants if t.unit_id is not None]
        records = await info.context.access.unit.load_many(unit_ids)
        return [Unit.of(r) for r in records if r is not None]

    @classmethod
    async def load(cls, info: Info) -> Me:
        async def fetch() -> BmxMe:
            return await info.context.services.butterflymx.me.get(include=["tenants"])

        services = info.context.services
        key = ("butterflymx", services.account("butterflymx"), "me")
        return cls(record=await services.cache.get_or_fetch("reference", key, fetch))
