"""What every simulated vendor provides to the sandbox host.

Each vendor package (`sandbox/butterflymx`, `sandbox/remotelock`, `sandbox/butlr`)
exposes one `VendorSim` subclass. The host mounts its app at `/<name>`, puts the
shared instrumentation middleware in front of it, registers its scenarios on the
control API and ticks it from the demo timer.
"""

from __future__ import annotations

import abc
import random
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any, ClassVar

from aiohttp import web

from concierge.sandbox.clock import Clock
from concierge.sandbox.dataset import World
from concierge.sandbox.oauth import TokenStore
from concierge.sandbox.webhooks import WebhookDispatcher

Scenario = Callable[[dict[str, Any]], Awaitable[dict[str, Any]]]
"""A scenario trigger: JSON parameters in, a JSON description of what happened out.

It raises `ScenarioError` for bad parameters (the control API answers 400)."""


class ScenarioError(Exception):
    """Bad scenario parameters; the message is shown to the caller."""


@dataclass
class SimContext:
    world: World
    clock: Clock
    webhooks: WebhookDispatcher
    seed: int


class VendorSim(abc.ABC):
    name: ClassVar[str]

    def __init__(self, ctx: SimContext) -> None:
        self.ctx = ctx
        # Each vendor gets its own deterministic stream so vendors don't perturb each other.
        self.rng = random.Random(f"{ctx.seed}:{self.name}")

    @property
    @abc.abstractmethod
    def tokens(self) -> TokenStore:
        """The vendor's token store (the control API expires and revokes through it)."""

    @abc.abstractmethod
    def build_app(self) -> web.Application:
        """The vendor's routes; mounted at `/<name>` on the sandbox."""

    @abc.abstractmethod
    def describe(self, root_url: str) -> dict[str, Any]:
        """Base URLs and demo credentials, given the vendor's mount URL (`http://h:p/<name>`).

        Must contain `auth_url`, `api_url` and `credentials`."""

    @abc.abstractmethod
    def render_fault(self, status: int, retry_after: int | None) -> web.StreamResponse:
        """An injected failure in this vendor's error format."""

    def scenarios(self) -> dict[str, Scenario]:
        """Scenario triggers, by short name (the control API prefixes the vendor)."""
        return {}

    async def ambient_tick(self) -> None:  # noqa: B027 - optional hook, no-op by default
        """One step of gentle background activity for `serve` demo mode."""

    async def start(self) -> None:  # noqa: B027 - optional hook
        """Start background work (called once the sandbox is listening)."""

    async def stop(self) -> None:  # noqa: B027 - optional hook
        """Stop background work."""

    def state(self) -> dict[str, Any]:
        """Extra vendor state for the control API (e.g. rate-limit windows)."""
        return {}
