"""The per-request context handed to every resolver."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class VendorEndpoint:
    """One vendor as this server reaches it (no secrets)."""

    name: str
    api_url: str
    auth_url: str
    source: str  # "sandbox" | "config"


@dataclass
class RequestContext:
    vendors: list[VendorEndpoint] = field(default_factory=list)
    sandbox_control_url: str | None = None
