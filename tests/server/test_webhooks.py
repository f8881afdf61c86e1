"""Webhook ingress over real loopback HTTP: secrets, bad bodies, replays, sandbox deliveries."""

from __future__ import annotations

import asyncio
import base64
import contextlib
import json
import socket
from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import aiohttp
import pytest

from concierge.resolvers.bus import Event
from concierge.resolvers.events import (
    CallEventData,
    DoorEventData,
    attempt_topic,
    building_calls_topic,
    call_topic,
    door_topic,
    payload,
)
from concierge.resolvers.services import Services
from concierge.server import app as server_app
from concierge.server.settings import Settings
from tests.conftest import RunningSandbox, running_app
from tests.schema.graphs import Graph

SECRET = "a-test-webhook-secret"
LOCK = "11111111-2222-4333-8444-555555555555"


@dataclass
class Server:
    url: str
    services: Services
    control_url: str


@contextlib.asynccontextmanager
async def _serving(settings: Settings, port: int = 0) -> AsyncIterator[Server]:
    async with running_app(settings, port=port) as (url, app):
        state = app.state.concierge
        yield Server(url, state.services, state.backends.sandbox_control_url)


@pytest.fixture
async def concierge() -> AsyncIterator[Server]:
    async with _serving(Settings(demo_activity_s=0, webhook_secret=SECRET)) as server:
        yield server


class Collector:
    """A bus subscriber on one topic, collecting what arrives."""

    def __init__(self, services: Services, topic: str) -> None:
        self.events: list[Event] = []
        self._stream = services.bus.subscribe(topic)
        self._task = asyncio.create_task(self._run())

    async def _run(self) -> None:
        async for ev in self._stream:
            self.events.append(ev)

    async def wait_for(self, count: int) -> list[Event]:
        for _ in range(200):
            if len(self.events) >= count:
                return self.events
            await asyncio.sleep(0.025)
        raise AssertionError(f"expected {count} events, got {self.events}")

    async def close(self) -> None:
        self._task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await self._task


async def _collector(services: Services, topic: str) -> Collector:
    collector = Collector(services, topic)
    await asyncio.sleep(0.01)  # the subscription is in place once the task has started
    return collector


def _unlocked(event_id: str, lock: str = LOCK) -> dict[str, Any]:
    return {
        "data": {
            "type": "unlocked_event",
            "id": event_id,
            "attributes": {
                "source": "user",
                "status": "succeeded",
                "occurred_at": "2026-12-02T10:00:00Z",
                "created_at": "2026-12-02T10:00:01Z",
                "publisher_type": "lock",
                "publisher_id": lock,
                "method": "pin",
            },
        }
    }


async def _post(
    http: aiohttp.ClientSession, url: str, body: bytes, secret: str | None = SECRET
) -> int:
    headers = {"Content-Type": "application/json"}
    if secret is not None:
        headers["X-Secret"] = secret
    async with http.post(url, data=body, headers=headers) as response:
        return response.status


async def test_a_wrong_x_secret_is_refused_and_nothing_is_delivered(
    concierge: Server, http: aiohttp.ClientSession
) -> None:
    collector = await _collector(concierge.services, door_topic(f"remotelock.lock:{LOCK}"))
    url = f"{concierge.url}/webhooks/remotelock"
    body = json.dumps(_unlocked("evt-secret")).encode()
    assert await _post(http, url, body, secret="wrong") == 401
    assert await _post(http, url, body, secret=None) == 401
    # Nothing was stored either: the authentic delivery of the same event is new.
    assert await _post(http, url, body) == 202
    events = await collector.wait_for(1)
    await asyncio.sleep(0.1)
    assert len(collector.events) == 1
    assert payload(DoorEventData, events[0]).id == "remotelock:evt-secret"
    await collector.close()


async def test_a_replayed_remotelock_webhook_is_delivered_once(
    concierge: Server, http: aiohttp.ClientSession
) -> None:
    collector = await _collector(concierge.services, door_topic(f"remotelock.lock:{LOCK}"))
    url = f"{concierge.url}/webhooks/remotelock"
    body = json.dumps(_unlocked("evt-replayed")).encode()
    answers = await asyncio.gather(*(_post(http, url, body) for _ in range(5)))
    assert answers == [202] * 5
    # A different event afterwards: once it is here, every replay would have been too.
    assert await _post(http, url, json.dumps(_unlocked("evt-next")).encode()) == 202
    events = await collector.wait_for(2)
    await asyncio.sleep(0.1)
    ids = [payload(DoorEventData, e).id for e in collector.events]
    assert ids == ["remotelock:evt-replayed", "remotelock:evt-next"]
    first = payload(DoorEventData, events[0])
    assert (first.kind, first.method, first.vendor_type) == ("UNLOCKED", "pin", "unlocked_event")
    await collector.close()


async def test_malformed_and_oversized_bodies_are_refused_and_not_delivered(
    concierge: Server, http: aiohttp.ClientSession
) -> None:
    collector = await _collector(concierge.services, door_topic(f"remotelock.lock:{LOCK}"))
    url = f"{concierge.url}/webhooks/remotelock"
    assert await _post(http, url, b"{not json") == 400
    assert await _post(http, url, json.dumps({"event": {}}).encode()) == 400
    huge = _unlocked("evt-huge")
    huge["data"]["attributes"]["padding"] = "x" * 70_000
    assert await _post(http, url, json.dumps(huge).encode()) == 413
    bmx = f"{concierge.url}/webhooks/butterflymx"
    assert await _post(http, f"{bmx}/wrong-token", b"{}", secret=None) == 401
    assert await _post(http, f"{bmx}/{SECRET}", b"[]", secret=None) == 400
    assert await _post(http, url, json.dumps(_unlocked("evt-after")).encode()) == 202
    await collector.wait_for(1)
    assert [payload(DoorEventData, e).id for e in collector.events] == ["remotelock:evt-after"]
    await collector.close()


async def test_a_sandbox_lock_event_reaches_a_bus_subscriber_as_unlocked(
    concierge: Server, http: aiohttp.ClientSession
) -> None:
    remotelock = concierge.services.remotelock
    doors = await remotelock.doors.list()
    lock = doors[0].id
    subscriber = await remotelock.notification_subscribers.create_webhook(
        "concierge test", f"{concierge.url}/webhooks/remotelock", secret=SECRET
    )
    account = await remotelock.account.get()
    await remotelock.notification_subscriptions.create(
        publisher_type="account",
        publisher_id=account.id,
        subscriber_id=subscriber.id,
        event_types=["unlocked", "locked"],
    )
    collector = await _collector(concierge.services, door_topic(f"remotelock.lock:{lock}"))
    async with http.post(
        f"{concierge.control_url}/scenarios/remotelock/lock_event",
        json={"device_id": lock, "event": "unlocked", "pin": "1234"},
    ) as response:
        assert response.status == 200, await response.text()
    events = await collector.wait_for(1)
    got = payload(DoorEventData, events[0])
    assert (got.kind, got.vendor, got.door_key) == (
        "UNLOCKED",
        "remotelock",
        f"remotelock.lock:{lock}",
    )


async def test_a_butterflymx_call_arrives_as_call_events_read_through_the_connector(
    concierge: Server, http: aiohttp.ClientSession
) -> None:
    building = concierge.services.site_map.buildings[0].butterflymx_building_id
    await concierge.services.butterflymx.integrations.create(
        f"{concierge.url}/webhooks/butterflymx/{SECRET}", building_id=building
    )
    calls = await _collector(concierge.services, building_calls_topic(f"butterflymx:{building}"))
    async with http.post(
        f"{concierge.control_url}/scenarios/butterflymx/call", json={"step_s": 0.2}
    ) as response:
        assert response.status == 200, await response.text()
    first = payload(CallEventData, (await calls.wait_for(1))[0])
    assert first.status == "initializing"
    assert first.building_key == f"butterflymx:{building}"
    assert first.terminal is False
    async with http.get(f"{concierge.control_url}/counters?vendor=butterflymx") as response:
        routes = (await response.json())["routes"]
    assert routes.get("GET /api/v3/me/calls/{call_guid}/status", 0) >= 1
    await calls.close()


UNLOCK = """
mutation($door: ID!, $key: String!) {
  unlockDoor(input: {doorId: $door, idempotencyKey: $key}) {
    ... on UnlockDoorSuccess { attempt { id status } }
  }
}
"""
ATTEMPT = "query($id: ID!) { node(id: $id) { ... on UnlockAttempt { status } } }"
DOORS = "{ buildings(first: 1) { edges { node { doors(vendor: REMOTELOCK) { id online } } } } }"


async def test_an_unlock_is_confirmed_by_the_webhook_event_not_the_poll(
    http: aiohttp.ClientSession,
) -> None:
    # The fallback poll is a minute away: only the lock's webhook can confirm in time.
    settings = Settings(demo_activity_s=0, webhook_secret=SECRET, unlock_confirm_poll_s=60)
    async with _serving(settings) as concierge:
        remotelock = concierge.services.remotelock
        subscriber = await remotelock.notification_subscribers.create_webhook(
            "concierge test", f"{concierge.url}/webhooks/remotelock", secret=SECRET
        )
        account = await remotelock.account.get()
        await remotelock.notification_subscriptions.create(
            publisher_type="account",
            publisher_id=account.id,
            subscriber_id=subscriber.id,
            event_types=["unlocked", "locked"],
        )
        graph = Graph(concierge.url, http)
        doors = (await graph.query(DOORS))["data"]["buildings"]["edges"][0]["node"]["doors"]
        door = next(d["id"] for d in doors if d["online"])
        answer = await graph.query(UNLOCK, door=door, key="by-webhook")
        attempt = answer["data"]["unlockDoor"]["attempt"]
        progress = await _collector(concierge.services, attempt_topic(_key(attempt["id"])))
        assert attempt["status"] == "ACCEPTED"
        for _ in range(100):
            node = (await graph.query(ATTEMPT, id=attempt["id"]))["data"]["node"]
            if node["status"] != "ACCEPTED":
                break
            await asyncio.sleep(0.1)
        assert node["status"] == "CONFIRMED"
        statuses = [e.data["status"] for e in await progress.wait_for(1)]
        assert statuses[-1] == "CONFIRMED"
        await progress.close()


def _key(global_id: str) -> str:
    """The node key of a global ID (base64 of `Type:key`)."""
    return base64.b64decode(global_id).decode().partition(":")[2]


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


def restartable(sandbox: RunningSandbox, tmp_path: Path) -> Settings:
    """A server on the standalone sandbox that registers its webhooks, on a fixed port and
    data directory, so a second start is the same server coming back."""
    return Settings(
        sandbox_url=sandbox.control_url,
        demo_activity_s=0,
        webhook_secret=SECRET,
        webhooks_register=True,
        port=_free_port(),
        data_dir=str(tmp_path / "data"),
    )


def collect_from_start(monkeypatch: pytest.MonkeyPatch, *topics: str) -> list[Collector]:
    """Collectors on `topics` of the next server started, subscribed before its lifespan
    starts the back-fill (one per topic, in order, filled in as it starts)."""
    collectors: list[Collector] = []
    real = server_app.build_services

    def spied(*args: Any, **kwargs: Any) -> Services:
        services = real(*args, **kwargs)
        collectors.extend(Collector(services, topic) for topic in topics)
        return services

    monkeypatch.setattr(server_app, "build_services", spied)
    return collectors


async def test_start_up_registers_our_webhooks_once_and_the_sandbox_delivers_to_us(
    http: aiohttp.ClientSession, sandbox: RunningSandbox
) -> None:
    port = _free_port()
    settings = Settings(
        sandbox_url=sandbox.control_url,
        demo_activity_s=0,
        webhook_secret=SECRET,
        webhooks_register=True,
        port=port,
    )
    for _ in range(2):  # the second start reconciles: nothing is created twice
        async with _serving(settings, port) as concierge:
            remotelock = concierge.services.remotelock
            lock = (await remotelock.doors.list())[0].id
            collector = await _collector(concierge.services, door_topic(f"remotelock.lock:{lock}"))
            for _ in range(100):
                subscribers = await remotelock.notification_subscribers.list()
                ours = [
                    s
                    for s in subscribers
                    if s.url and s.url.endswith(f":{port}/webhooks/remotelock")
                ]
                if ours and await remotelock.notification_subscriptions.list(
                    subscriber_id=ours[0].id
                ):
                    break
                await asyncio.sleep(0.05)
            assert len(ours) == 1
            await sandbox.control(
                "POST",
                "/scenarios/remotelock/lock_event",
                json={"device_id": lock, "event": "locked"},
            )
            got = payload(DoorEventData, (await collector.wait_for(1))[0])
            assert got.kind == "LOCKED"
            await collector.close()


async def test_events_missed_while_the_server_was_down_are_back_filled_on_restart(
    http: aiohttp.ClientSession,
    sandbox: RunningSandbox,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    settings = restartable(sandbox, tmp_path)
    async with _serving(settings, settings.port) as concierge:
        lock = (await concierge.services.remotelock.doors.list())[0].id
        for _ in range(100):  # registered and the back-fill cursor set
            if await concierge.services.store.cursors.get("remotelock") is not None:
                break
            await asyncio.sleep(0.05)
    await asyncio.sleep(1.1)  # vendor timestamps have whole seconds
    # Down: the sandbox's delivery fails (and would be retried only an hour later).
    await sandbox.control(
        "POST", "/scenarios/remotelock/lock_event", json={"device_id": lock, "event": "unlocked"}
    )
    collectors = collect_from_start(monkeypatch, door_topic(f"remotelock.lock:{lock}"))
    async with _serving(settings, settings.port):
        got = payload(DoorEventData, (await collectors[0].wait_for(1))[0])
        assert (got.kind, got.door_key) == ("UNLOCKED", f"remotelock.lock:{lock}")
        await collectors[0].close()


def _call_webhook(event_id: str, status: str, at: str) -> bytes:
    resource = {
        "id": "9001",
        "type": "calls",
        "attributes": {
            "guid": "call-out-of-order",
            "call_type": "voip",
            "created_at": "2026-12-02T10:00:00Z",
            "status": status,
            "status_changed_at": at,
        },
        "relationships": {"building": {"data": {"type": "buildings", "id": "77"}}},
    }
    return json.dumps(
        {
            "event_id": event_id,
            "event_type": "call.status_changed",
            "created_at": at,
            "integration_id": None,
            "data": resource,
        }
    ).encode()


async def test_an_older_call_status_delivered_late_is_not_published(
    concierge: Server, http: aiohttp.ClientSession
) -> None:
    collector = await _collector(concierge.services, call_topic("butterflymx:call-out-of-order"))
    url = f"{concierge.url}/webhooks/butterflymx/{SECRET}"
    newer = _call_webhook("e-2", "voip_connected", "2026-12-02T10:00:05Z")
    older = _call_webhook("e-1", "initializing", "2026-12-02T10:00:00Z")
    assert await _post(http, url, newer, secret=None) == 202
    await collector.wait_for(1)
    assert await _post(http, url, older, secret=None) == 202
    assert await _post(http, url, newer, secret=None) == 202  # and a redelivery
    # A later, newer status shows the late ones were processed (and dropped) before it.
    assert await _post(http, url, _call_webhook("e-3", "canceled", "2026-12-02T10:00:09Z")) == 202
    await collector.wait_for(2)
    statuses = [payload(CallEventData, e).status for e in collector.events]
    assert statuses == ["voip_connected", "canceled"]
    await collector.close()
