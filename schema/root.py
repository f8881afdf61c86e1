"""The Query root, the federation entities, and the schema object."""

from __future__ import annotations

from collections.abc import Iterable
from enum import Enum
from pathlib import Path
from typing import Any

import strawberry
from graphql import GraphQLError
from strawberry import relay
from strawberry.extensions import ValidationCache
from strawberry.schema.config import StrawberryConfig
from strawberry.tools import merge_types
from strawberry.types import ExecutionContext

from concierge.resolvers import access, activity, occupancy
from concierge.schema.access import Address, Building, Panel, Tenant, Unit
from concierge.schema.activity import AccessGuest, Call, DoorRelease, Keychain, VirtualKey
from concierge.schema.context import Info, selected_names
from concierge.schema.doors import Door, DoorCapabilities, VendorName
from concierge.schema.errors import OperationScope, VendorErrors, log_errors
from concierge.schema.execution import install
from concierge.schema.graph import objects
from concierge.schema.keys import KeyMutation
from concierge.schema.limits import Limits, document_limits
from concierge.schema.me import Me
from concierge.schema.mutations import Mutation
from concierge.schema.occupancy import Hive, Occupancy, OccupancySample, Room, Sensor, Space
from concierge.schema.subscriptions import Subscription

SDL_PATH = Path(__file__).with_name("schema.graphql")


@strawberry.enum(description="Where a vendor's data comes from.")
class BackendSource(Enum):
    SANDBOX = "sandbox"
    CONFIG = "config"


@strawberry.type(description="A vendor API as this server reaches it.")
class VendorBackend:
    vendor: VendorName
    api_url: str = strawberry.field(description="Base URL of the vendor's REST API.")
    auth_url: str = strawberry.field(description="Base URL of the vendor's OAuth endpoints.")
    source: BackendSource = strawberry.field(
        description="SANDBOX for the simulators, CONFIG for configured (real) vendors."
    )


@strawberry.type
class Query:
    node: relay.Node | None = relay.node(description="Any object by its global ID.")
    nodes: list[relay.Node | None] = relay.node(description="Many objects by global ID.")

    @relay.connection(relay.ListConnection[Building], description="Buildings the account manages.")
    async def buildings(self, info: Info) -> list[Building]:
        return objects(info, Building, await access.buildings(info.context, selected_names(info)))

    @strawberry.field(description="The ButterflyMX user this server acts as.")
    async def me(self, info: Info) -> Me:
        return Me(view=await access.me(info.context))

    @relay.connection(
        relay.ListConnection[AccessGuest], description="RemoteLock guests, by status if given."
    )
    async def access_guests(self, info: Info, status: str | None = None) -> Iterable[AccessGuest]:
        return objects(info, AccessGuest, await activity.access_guests(info.context, status))

    @strawberry.field(description="Butlr spaces (all of them, mapped or not).")
    async def spaces(self, info: Info) -> list[Space]:
        return objects(info, Space, await occupancy.all_spaces(info.context))

    @strawberry.field(description="The vendor backends this server talks to.")
    def vendors(self, info: Info) -> list[VendorBackend]:
        return [
            VendorBackend(
                vendor=VendorName(v.name),
                api_url=v.api_url,
                auth_url=v.auth_url,
                source=BackendSource(v.source),
            )
            for v in info.context.vendors
        ]

    @strawberry.field(
        description="Control API of the vendor sandbox in use, or null when all vendors are real."
    )
    def sandbox_control_url(self, info: Info) -> str | None:
        return info.context.sandbox_control_url


ENTITIES = (Building, Unit, Tenant, Door, Space, Room, Sensor, Hive)


class ConciergeSchema(strawberry.federation.Schema):
    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        # Which fields are plain data is known only once graphql-core's schema is built.
        self.execution_context_class = install(self._schema, self.config.default_resolver)

    def process_errors(
        self, errors: list[GraphQLError], execution_context: ExecutionContext | None = None
    ) -> None:
        log_errors(errors)


schema = ConciergeSchema(
    query=Query,
    mutation=merge_types("Mutation", (Mutation, KeyMutation)),
    subscription=Subscription,
    types=[
        *ENTITIES,
        Address,
        DoorCapabilities,
        Occupancy,
        OccupancySample,
        Panel,
        Call,
        DoorRelease,
        Keychain,
        VirtualKey,
    ],
    # Clients repeat the same documents (dashboards, polls): parse and validate each once.
    extensions=[
        OperationScope,
        VendorErrors,
        # The parser cache (256 documents), with the token and depth limits.
        document_limits(Limits()),
        lambda: ValidationCache(maxsize=256),
    ],
    # A 300-unit building fits in one page of a connection.
    config=StrawberryConfig(relay_max_results=1000),
)


def export_sdl() -> str:
    return schema.as_str() + "\n"
