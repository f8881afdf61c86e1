"""ButterflyMX ingress over real loopback HTTP: door release webhooks to `doorEvents`
subscribers, and the back-fill from the call and door release lists after downtime, with
one delivery per event whichever way it arrives first."""

from __future__ import annotations

import asyncio
import base64
import contextlib
from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import aiohttp
import pytest

from concierge.resolvers.events import (
    CallEventData,
    DoorEventData,
    building_calls_topic,
    building_doors_topic,
    door_topic,
    payload,
)
from concierge.resolvers.ingress import Ingress
from concierge.resolvers.services import Services
from concierge.server.settings import Settings
from tests.conftest import RunningSandbox, running_app
from tests.schema.graphs import Graph, building_of
from tests.schema.test_authorization import vendor_id
from tests.schema.test_unlock import _unlock
from tests.server.authgraph import AuthGraph, token
from tests.server.test_auth import SETTINGS as AUTH_SETTINGS
from tests.server.test_subscriptions import RawSubscriber, eventually
from tests.server.test_webhooks import SECRET, Collector, collect_from_start, restartable

DOOR_EVENTS = (
    "subscription($id: ID!) "
    "{ doorEvents(doorId: $id) { id kind vendor vendorType method door { id name } } }"
)
SITE = """
{ buildings(first: 1) { edges { node {
  accessPoints { id name }
  units(first: 50) { edges { node { tenants { id } } } }
} } } }
"""
DOOR_RELEASES = "GET /api/v3/door_releases"
CALLS = "GET /api/v3/me/calls"


@dataclass
class Live:
    url: str
    services: Services
    ingress: Ingress
    control_url: str

    @property
    def building(self) -> str:
        return self.services.site_map.buildings[0].butterflymx_building_id

    async def listen(self) -> None:
        """Register our webhook integration for the building, as start-up would."""
        await self.services.butterflymx.integrations.create(
            f"{self.url}/webhooks/butterflymx/{SECRET}", building_id=self.building
        )

    async def unit(self) -> str:
        """A unit of the site map's first building (where our integration listens)."""
        units = await self.services.butterflymx.units.list(building_ids=[self.building])
        return units[0].id


@contextlib.asynccontextmanager
async def _live(settings: Settings, port: int = 0) -> AsyncIterator[Live]:
    async with running_app(settings, port=port) as (url, app):
        state = app.state.concierge
        yield Live(url, state.services, state.ingress, state.backends.sandbox_control_url)


async def _control(http: aiohttp.ClientSession, live: Live, path: str, body: Any) -> Any:
    async with http.post(f"{live.control_url}{path}", json=body) as response:
        assert response.status == 200, await response.text()
        return await response.json()


async def _requests(http: aiohttp.ClientSession, live: Live, route: str) -> int:
    async with http.get(f"{live.control_url}/counters?vendor=butterflymx") as response:
        return int((await response.json())["routes"].get(route, 0))


async def test_a_butterflymx_door_release_webhook_reaches_door_events_as_released(
    http: aiohttp.ClientSession,
) -> None:
    async with _live(Settings(demo_activity_s=0, webhook_secret=SECRET)) as live:
        await live.listen()
        graph = Graph(live.url, http)
        site = building_of(await graph.query(SITE))
        door = site["accessPoints"][0]
        tenant = next(t["id"] for u in site["units"]["edges"] for t in u["node"]["tenants"])
        async with RawSubscriber(live.url) as client:
            await client.subscribe("1", DOOR_EVENTS, id=door["id"])
            door_key = base64.b64decode(door["id"]).decode().partition(":")[2]
            await eventually(lambda: live.services.bus.subscribers(door_topic(door_key)) > 0)
            attempt = (await _unlock(graph, door["id"], "bmx-webhook", tenant))["attempt"]
            release_id = attempt["vendorReference"].removeprefix("door_release:")
            await eventually(lambda: "1" in client.latest)
            got = client.latest["1"]["data"]["doorEvents"]
            assert not client.errors
    assert got == {
        "id": f"butterflymx:{release_id}",
        "kind": "RELEASED",
        "vendor": "butterflymx",
        "vendorType": "door_release.created",
        "method": "mobile",
        "door": {"id": door["id"], "name": door["name"]},
    }


async def test_a_door_release_and_a_call_delivered_by_webhook_are_not_repeated_by_back_fill(
    http: aiohttp.ClientSession,
) -> None:
    async with _live(Settings(demo_activity_s=0, webhook_secret=SECRET)) as live:
        await live.listen()
        key = f"butterflymx:{live.building}"
        doors = Collector(live.services, building_doors_topic(key))
        calls = Collector(live.services, building_calls_topic(key))
        unit = int(await live.unit())
        await _control(http, live, "/scenarios/butterflymx/door_release", {"unit_id": unit})
        rang = await _control(
            http, live, "/scenarios/butterflymx/call", {"unit_id": unit, "step_s": 0.05}
        )
        await doors.wait_for(1)
        await calls.wait_for(1)
        before = await _requests(http, live, DOOR_RELEASES), await _requests(http, live, CALLS)
        assert await live.ingress.backfill_butterflymx() == 0
        after = await _requests(http, live, DOOR_RELEASES), await _requests(http, live, CALLS)
        # The back-fill read both lists, from before the cursor those events set.
        assert after[0] > before[0]
        assert after[1] > before[1]
        assert [payload(CallEventData, e).call_key for e in calls.events] == [
            f"butterflymx:{rang['call']['guid']}"
        ]
        assert len(doors.events) == 1
        await doors.close()
        await calls.close()


@dataclass
class Missed:
    """What happened at ButterflyMX while our server was down, and the restarted server."""

    live: Live
    release_id: str
    call_guid: str
    doors: Collector
    calls: Collector


@contextlib.asynccontextmanager
async def _down_then_restarted(
    sandbox: RunningSandbox, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> AsyncIterator[Missed]:
    """Start with webhook registration, stop, let a door release and a call happen (their
    deliveries fail), and start again with collectors on the building's topics."""
    settings = restartable(sandbox, tmp_path)
    async with _live(settings, settings.port) as live:
        unit, building = int(await live.unit()), live.building
        for _ in range(100):  # registered, and the first back-fill has set the cursor
            integrations = await live.services.butterflymx.integrations.list(building_id=building)
            cursor = await live.services.store.cursors.get("butterflymx")
            if cursor is not None and any(i.url.endswith(f"/{SECRET}") for i in integrations):
                break
            await asyncio.sleep(0.05)
        else:
            raise AssertionError("the integration was not registered")
    released = await sandbox.control(
        "POST", "/scenarios/butterflymx/door_release", json={"unit_id": unit}
    )
    rang = await sandbox.control(
        "POST", "/scenarios/butterflymx/call", json={"unit_id": unit, "step_s": 0}
    )
    key = f"butterflymx:{building}"
    collectors = collect_from_start(
        monkeypatch, building_doors_topic(key), building_calls_topic(key)
    )
    async with _live(settings, settings.port) as restarted:
        doors, calls = collectors
        yield Missed(restarted, released["door_release"]["id"], rang["call"]["guid"], doors, calls)
        await doors.close()
        await calls.close()


async def test_butterflymx_calls_and_door_releases_missed_while_down_are_back_filled(
    sandbox: RunningSandbox, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    async with _down_then_restarted(sandbox, tmp_path, monkeypatch) as missed:
        release = payload(DoorEventData, (await missed.doors.wait_for(1))[0])
        call = payload(CallEventData, (await missed.calls.wait_for(1))[0])
    assert (release.id, release.kind, release.vendor) == (
        f"butterflymx:{missed.release_id}",
        "RELEASED",
        "butterflymx",
    )
    assert release.building_key == f"butterflymx:{missed.live.building}"
    assert call.call_key == f"butterflymx:{missed.call_guid}"
    # It rang and was answered while we were away: announced as it is now, and final.
    assert (call.status, call.terminal) == ("voip_connected", True)


async def test_webhooks_redelivered_after_the_back_fill_are_not_delivered_again(
    sandbox: RunningSandbox, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    async with _down_then_restarted(sandbox, tmp_path, monkeypatch) as missed:
        await missed.doors.wait_for(1)
        await missed.calls.wait_for(1)
        # ButterflyMX retries failed deliveries a minute later: now they reach us.
        pending = await _pending_deliveries(sandbox)
        assert pending, "the deliveries made while we were down are waiting for a retry"
        await sandbox.control("POST", "/clock/advance", json={"seconds": 61})
        for _ in range(200):
            if not await _pending_deliveries(sandbox):
                break
            await asyncio.sleep(0.05)
        assert not await _pending_deliveries(sandbox)
        # A new release afterwards: once it is here, the redelivered ones were handled.
        unit = int(await missed.live.unit())
        later = await sandbox.control(
            "POST", "/scenarios/butterflymx/door_release", json={"unit_id": unit}
        )
        await missed.doors.wait_for(2)
        ids = [payload(DoorEventData, e).id for e in missed.doors.events]
        calls = [payload(CallEventData, e).call_key for e in missed.calls.events]
    assert ids == [
        f"butterflymx:{missed.release_id}",
        f"butterflymx:{later['door_release']['id']}",
    ]
    assert calls == [f"butterflymx:{missed.call_guid}"]


async def _pending_deliveries(sandbox: RunningSandbox) -> list[dict[str, Any]]:
    data = await sandbox.control("GET", "/webhooks?vendor=butterflymx")
    return [d for d in data["deliveries"] if d["state"] == "pending"]


BUILDING_DOOR_EVENTS = (
    "subscription($b: ID!) { doorEvents(buildingId: $b) { id kind method door { id } } }"
)


async def test_a_release_naming_no_door_reaches_building_staff_and_not_residents(
    http: aiohttp.ClientSession,
) -> None:
    """ButterflyMX releases name no door (only our own unlocks know theirs): a building's
    stream gives them to its operator, with no door, and to none of its residents."""
    settings = AUTH_SETTINGS.with_overrides(webhook_secret=SECRET)
    async with _live(settings) as live:
        await live.listen()
        admin = AuthGraph(live.url, http, token(role="admin"))
        site = building_of(await admin.query(SITE.replace("accessPoints", "id accessPoints")))
        tenant_id = next(t["id"] for u in site["units"]["edges"] for t in u["node"]["tenants"])
        operator = token(role="operator", sub="op", building_ids=[live.building])
        resident = token(role="tenant", sub="t", tenant_ids=[vendor_id(tenant_id)])
        staff, home = RawSubscriber(live.url, operator), RawSubscriber(live.url, resident)
        async with staff, home:
            for client in (staff, home):
                await client.subscribe("1", BUILDING_DOOR_EVENTS, b=site["id"])
            topic = building_doors_topic(f"butterflymx:{live.building}")
            await eventually(lambda: live.services.bus.subscribers(topic) == 2)
            unit = int(await live.unit())
            await _control(http, live, "/scenarios/butterflymx/door_release", {"unit_id": unit})
            await eventually(lambda: "1" in staff.latest)
            await asyncio.sleep(0.3)  # the resident's copy would be here by now
            got = staff.latest["1"]["data"]["doorEvents"]
            assert (got["kind"], got["door"]) == ("RELEASED", None)
            assert home.received == {}
            assert not staff.errors
            assert not home.errors
