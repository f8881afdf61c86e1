"""Root types. Until the graph lands this exposes which vendor backends the server uses."""

from __future__ import annotations

from enum import Enum
from pathlib import Path

import strawberry
from strawberry.types import Info

from resolvers.context import RequestContext

SDL_PATH = Path(__file__).with_name("schema.graphql")


@strawberry.enum(description="The building-technology vendors behind the graph.")
class Vendor(Enum):
    BUTTERFLYMX = "butterflymx"
    REMOTELOCK = "remotelock"
    BUTLR = "butlr"


@strawberry.enum(description="Where a vendor's data comes from.")
class BackendSource(Enum):
    SANDBOX = "sandbox"
    CONFIG = "config"


@strawberry.type(description="A vendor API as this server reaches it.")
class VendorBackend:
    vendor: Vendor
    api_url: str = strawberry.field(description="Base URL of the vendor's REST API.")
    auth_url: str = strawberry.field(description="Base URL of the vendor's OAuth endpoints.")
    source: BackendSource = strawberry.field(
        description="SANDBOX for the simulators, CONFIG for configured (real) vendors."
    )


@strawberry.type
class Query:
    @strawberry.field(description="The vendor backends this server talks to.")
    def vendors(self, info: Info[RequestContext, None]) -> list[VendorBackend]:
        return [
            VendorBackend(
                vendor=Vendor(v.name),
                api_url=v.api_url,
                auth_url=v.auth_url,
                source=BackendSource(v.source),
            )
            for v in info.context.vendors
        ]

    @strawberry.field(
        description="Control API of the vendor sandbox in use, or null when all vendors are real."
    )
    def sandbox_control_url(self, info: Info[RequestContext, None]) -> str | None:
        return info.context.sandbox_control_url


schema = strawberry.Schema(query=Query)


def export_sdl() -> str:
    return schema.as_str() + "\n"
