"""Everything a Butlr route handler needs, reachable from the request's app."""

from __future__ import annotations

from dataclasses import dataclass, field

from aiohttp import web

from concierge.sandbox.butlr.occupancy import OccupancyModel
from concierge.sandbox.butlr.store import Store
from concierge.sandbox.butlr.tokens import Credentials, JwtMinter
from concierge.sandbox.clock import Clock
from concierge.sandbox.oauth import Grant, TokenStore


@dataclass
class ButlrState:
    store: Store
    tokens: TokenStore
    minter: JwtMinter
    credentials: Credentials
    clock: Clock
    occupancy: OccupancyModel
    seed: int
    languages: dict[str, str] = field(
        default_factory=lambda: {
            "en-US": "English (United States)",
            "zh-Hans": "Chinese (Simplified)",
        }
    )
    preferences: dict[str, str] = field(default_factory=dict)  # subject -> language


STATE = web.AppKey("butlr_state", ButlrState)
GRANT = web.RequestKey("butlr_grant", Grant)  # the Grant behind the bearer token


def state_of(request: web.Request) -> ButlrState:
    return request.app[STATE]


def grant_of(request: web.Request) -> Grant:
    return request[GRANT]
