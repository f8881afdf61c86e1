"""The per-request context handed to every resolver: shared services, fresh loaders."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from resolvers.access_loaders import AccessLoaders
from resolvers.activity_loaders import ActivityLoaders
from resolvers.occupancy_loaders import OccupancyLoaders
from resolvers.services import Services


@dataclass(frozen=True)
class VendorEndpoint:
    """One vendor as this server reaches it (no secrets)."""

    name: str
    api_url: str
    auth_url: str
    source: str  # "sandbox" | "config"


@dataclass
class RequestContext:
    services: Services
    vendors: list[VendorEndpoint] = field(default_factory=list)
    sandbox_control_url: str | None = None
    access: AccessLoaders = field(init=False)
    occupancy: OccupancyLoaders = field(init=False)
    activity: ActivityLoaders = field(init=False)
    # Vendor failures inside a field that still answered (a list missing one vendor's part).
    partial_errors: list[Any] = field(default_factory=list)
    # Prefetches running for this request (kept referenced until they finish).
    background: set[Any] = field(default_factory=set)

    def __post_init__(self) -> None:
        self.access = AccessLoaders(self.services)
        self.occupancy = OccupancyLoaders(self.services)
        self.activity = ActivityLoaders(self.services)
