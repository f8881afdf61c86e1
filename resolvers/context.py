"""The context every resolver gets: shared services, and loaders and a vendor deadline
built fresh for each operation (and, for a subscription, for each event)."""

from __future__ import annotations

from collections.abc import Awaitable, Coroutine
from contextvars import Token
from dataclasses import dataclass, field, replace
from typing import Any

from concierge.connectors.policy import reset_deadline, set_deadline
from concierge.resolvers.access_loaders import AccessLoaders
from concierge.resolvers.activity_loaders import ActivityLoaders
from concierge.resolvers.checks import ADMIT_ALL, ObjectChecks
from concierge.resolvers.occupancy_loaders import OccupancyLoaders
from concierge.resolvers.services import Services


@dataclass(frozen=True)
class VendorEndpoint:
    """One vendor as this server reaches it (no secrets)."""

    name: str
    api_url: str
    auth_url: str
    source: str  # "sandbox" | "config"


@dataclass
class RequestContext:
    """Built per connection by the server; `for_operation` makes each operation's own."""

    services: Services
    vendors: list[VendorEndpoint] = field(default_factory=list)
    sandbox_control_url: str | None = None
    checks: ObjectChecks = ADMIT_ALL
    # Who is asking: scopes idempotency keys and signs the audit log (the authorization
    # issue sets it from the request's credentials).
    principal: str = "demo"
    # Set when the principal is a tenant: their linked ButterflyMX account, if any, opens
    # ButterflyMX doors on their behalf (`unlocks._command`).
    resident: str | None = None
    # Each operation takes from the principal's rate limit (WebSocket connections; HTTP
    # requests, SSE streams included, are counted at the server's gate instead).
    operations_rate_limited: bool = False
    # Vendor time budget of one operation (or one subscription event).
    timeout_s: float = 5.0
    # Vendor failures inside a field that still answered (a list missing one vendor's part).
    partial_errors: list[Any] = field(default_factory=list)
    # Loaders are made when first asked for: a connection's own context (an idle
    # subscriber's, thousands of them) never is, and an operation builds only its vendors'.
    _access: AccessLoaders | None = field(default=None, init=False, repr=False)
    _occupancy: OccupancyLoaders | None = field(default=None, init=False, repr=False)
    _activity: ActivityLoaders | None = field(default=None, init=False, repr=False)

    def _new_loaders(self) -> None:
        self._access = self._occupancy = self._activity = None

    @property
    def access(self) -> AccessLoaders:
        if self._access is None:
            self._access = AccessLoaders(self.services)
        return self._access

    @property
    def occupancy(self) -> OccupancyLoaders:
        if self._occupancy is None:
            self._occupancy = OccupancyLoaders(self.services)
        return self._occupancy

    @property
    def activity(self) -> ActivityLoaders:
        if self._activity is None:
            self._activity = ActivityLoaders(self.services)
        return self._activity

    def for_operation(self) -> RequestContext:
        """A context of this connection's for one operation: its own loaders and errors."""
        return replace(self, partial_errors=[])

    def next_event(self) -> Token[float | None]:
        """Fresh loaders and a fresh vendor deadline, before a subscription resolves one
        event: nested fields read current data and the budget restarts per event."""
        self._new_loaders()
        return set_deadline(self.timeout_s)

    def start_deadline(self) -> Token[float | None]:
        """Every vendor call made from the current task obeys this operation's budget."""
        return set_deadline(self.timeout_s)

    @staticmethod
    def end_deadline(token: Token[float | None]) -> None:
        reset_deadline(token)

    def start(self, awaitable: Awaitable[Any]) -> None:
        """Run `awaitable` in the background (a prefetch): whoever needs its result awaits
        the same loader or cache entry; nobody waits for it otherwise. Skipped while the
        server stops: the field that needs the data loads it itself."""
        if self.services.tasks.closed:
            if isinstance(awaitable, Coroutine):
                awaitable.close()
            return
        self.services.tasks.start(awaitable)
