"""Shared subscriptions over real sockets: one execution however many subscribe, and it
stops with the last of them; principals who see different things never share an answer;
an event stream does not replay the past to a late subscriber; a client that stops reading
is closed with a reason while the others keep every event."""

from __future__ import annotations

import asyncio
import base64
import json
import re
import uuid
from collections.abc import AsyncIterator, Callable
from typing import Any

import aiohttp
import pytest
import websockets
from websockets import Subprotocol
from websockets.exceptions import ConnectionClosed

from concierge.resolvers.principals import Principal, PrincipalChecks
from concierge.resolvers.sitemap import SiteMap
from concierge.server.feeds import visibility
from concierge.server.settings import Settings
from tests.conftest import serve
from tests.schema.graphs import DASHBOARD, building_of
from tests.schema.test_authorization import _unit_lock, vendor_id
from tests.server.authgraph import AuthGraph, token
from tests.server.test_auth import SETTINGS as AUTH_SETTINGS
from tests.server.test_subscriptions import (
    OCCUPANCY,
    RawSubscriber,
    control,
    control_url,
    eventually,
    first_room,
    reporting_calls,
)
from tests.server.test_webhooks import _unlocked

SECRET = "feeds-test-webhook-secret"
DEMO = Settings(demo_activity_s=0, occupancy_poll_s=0.2, webhook_secret=SECRET)
BUILDING_EVENTS = (
    "subscription($b: ID!) { doorEvents(buildingId: $b) { id kind door { id name } } }"
)
DOOR_EVENTS = (
    "subscription($d: ID!) { doorEvents(doorId: $d) "
    "{ id kind occurredAt vendor vendorType method actor door { id name kind } } }"
)


async def gauge(http: aiohttp.ClientSession, url: str, name: str, **labels: str) -> float:
    async with http.get(f"{url}/metrics") as response:
        text = await response.text()
    want = ",".join(f'{k}="{v}"' for k, v in sorted(labels.items()))  # as exposed
    pattern = rf"^{name}{{{want}}} (\S+)$" if want else rf"^{name} (\S+)$"
    found = re.search(pattern, text, re.MULTILINE)
    return float(found.group(1)) if found else 0.0


async def unlocked(http: aiohttp.ClientSession, url: str, door_id: str) -> None:
    """A RemoteLock `unlocked_event` webhook for the lock behind `door_id`."""
    async with http.post(
        f"{url}/webhooks/remotelock",
        json=_unlocked(str(uuid.uuid4()), vendor_id(door_id)),
        headers={"X-Secret": SECRET},
    ) as response:
        assert response.status < 300, await response.text()


@pytest.fixture
async def demo() -> AsyncIterator[str]:
    async with serve(DEMO) as url:
        yield url


async def test_one_execution_serves_every_subscriber_and_ends_with_the_last(
    demo: str, http: aiohttp.ClientSession
) -> None:
    room_id, _ = await first_room(http, demo)
    clients = [RawSubscriber(demo) for _ in range(3)]
    for client in clients:
        await client.__aenter__()
    try:
        for client in clients[:2]:
            for n in range(100):
                await client.subscribe(str(n), OCCUPANCY, id=room_id)
        await eventually(lambda: sum(len(c.latest) for c in clients) == 200)
        assert await gauge(http, demo, "concierge_subscription_executions") == 1
        active = await gauge(http, demo, "concierge_subscriptions_active", subscription="occupancy")
        assert active == 200
        # Another selection is another question: its own execution.
        await clients[2].subscribe(
            "other", "subscription($id: ID!) { occupancy(roomId: $id) { count } }", id=room_id
        )
        await eventually(lambda: "other" in clients[2].latest)
        assert await gauge(http, demo, "concierge_subscription_executions") == 2
        assert await gauge(http, demo, "concierge_pollers_active", resource="occupancy") == 1

        for client in clients[:2]:
            for n in range(100):
                await client.complete(str(n))
        await clients[2].complete("other")

        await until_gauge(http, demo, 0, "concierge_subscription_executions")
        assert await gauge(http, demo, "concierge_pollers_active", resource="occupancy") == 0
        # ... and nobody polls Butlr for a room nobody watches.
        ctl = await control_url(http, demo)
        await asyncio.sleep(DEMO.occupancy_poll_s * 2)
        await control(http, ctl, "DELETE", "/counters")
        await asyncio.sleep(DEMO.occupancy_poll_s * 4)
        assert reporting_calls(await control(http, ctl, "GET", "/counters?vendor=butlr")) == 0
    finally:
        for client in clients:
            await client.__aexit__(None, None, None)


@pytest.fixture
async def authed() -> AsyncIterator[str]:
    async with serve(AUTH_SETTINGS.with_overrides(webhook_secret=SECRET)) as url:
        yield url


async def test_tenants_asking_the_same_question_each_hear_only_their_own_doors(
    authed: str, http: aiohttp.ClientSession
) -> None:
    admin = AuthGraph(authed, http, token(role="admin"))
    building, a, b = await _two_remotelock_units(admin)
    door_a, door_b = _unit_lock(a)["id"], _unit_lock(b)["id"]
    credentials = {
        "admin": token(role="admin"),
        "tenant a": token(role="tenant", sub="ta", tenant_ids=[vendor_id(a["tenants"][0]["id"])]),
        "tenant b": token(role="tenant", sub="tb", tenant_ids=[vendor_id(b["tenants"][0]["id"])]),
    }
    clients = {who: RawSubscriber(authed, c) for who, c in credentials.items()}
    for client in clients.values():
        await client.__aenter__()
        await client.subscribe("1", BUILDING_EVENTS, b=building["id"])
    try:
        await _subscribers(http, authed, 3)
        # Same document, same variables: the admin's answer is not the tenants'.
        assert await gauge(http, authed, "concierge_subscription_executions") == 3

        def doors(who: str) -> list[str]:
            events = clients[who].received.get("1", [])
            return [e["data"]["doorEvents"]["door"]["id"] for e in events]

        await until_heard(http, authed, door_a, lambda: bool(doors("tenant a")))
        await until_heard(http, authed, door_b, lambda: bool(doors("tenant b")))
        await eventually(lambda: set(doors("admin")) == {door_a, door_b})
        assert set(doors("tenant a")) == {door_a}
        assert set(doors("tenant b")) == {door_b}
        for client in clients.values():
            client.received.clear()
        await unlocked(http, authed, door_a)
        await unlocked(http, authed, door_b)

        await eventually(lambda: len(doors("admin")) == 2)
        await eventually(lambda: len(doors("tenant a")) == 1 and len(doors("tenant b")) == 1)
        await asyncio.sleep(0.3)  # nothing more is on its way
        assert doors("admin") == [door_a, door_b]
        assert doors("tenant a") == [door_a]
        assert doors("tenant b") == [door_b]
    finally:
        for client in clients.values():
            await client.__aexit__(None, None, None)


async def test_a_late_subscriber_to_door_events_hears_only_what_follows(
    demo: str, http: aiohttp.ClientSession
) -> None:
    _, a, _ = await _two_remotelock_units(AuthGraph(demo, http, None))
    door = _unit_lock(a)["id"]
    early, late = RawSubscriber(demo), RawSubscriber(demo)
    await early.__aenter__()
    await late.__aenter__()
    try:
        await early.subscribe("e", DOOR_EVENTS, d=door)
        await until_heard(http, demo, door, lambda: bool(early.received))
        await late.subscribe("l", DOOR_EVENTS, d=door)
        await _subscribers(http, demo, 2)
        assert await gauge(http, demo, "concierge_subscription_executions") == 1
        await unlocked(http, demo, door)
        heard = len(early.received["e"])
        await eventually(lambda: len(early.received["e"]) == heard + 1)
        await eventually(lambda: len(late.received.get("l", [])) >= 1)
        await asyncio.sleep(0.2)
        assert late.received["l"] == [early.received["e"][-1]]  # nothing earlier replayed
        # Each delivery's fate is counted: these were published; a wrong secret is refused.
        async with http.post(
            f"{demo}/webhooks/remotelock", json=_unlocked("x", "y"), headers={"X-Secret": "wrong"}
        ) as response:
            assert response.status == 401
        published = await gauge(
            http,
            demo,
            "concierge_webhook_deliveries_total",
            vendor="remotelock",
            outcome="published",
        )
        assert published == len(early.received["e"])
        refused = {"vendor": "remotelock", "outcome": "401"}
        assert await gauge(http, demo, "concierge_webhook_deliveries_total", **refused) == 1
    finally:
        await early.__aexit__(None, None, None)
        await late.__aexit__(None, None, None)


async def _two_remotelock_units(
    admin: AuthGraph,
) -> tuple[dict[str, Any], dict[str, Any], dict[str, Any]]:
    """A building and two of its units whose locks are RemoteLock's (webhooks name them)."""
    building = building_of(await admin.query(DASHBOARD, first=30))
    units = [
        e["node"]
        for e in building["units"]["edges"]
        if e["node"]["tenants"]
        and any(
            d["kind"] == "UNIT_LOCK" and "remotelock.lock" in base64.b64decode(d["id"]).decode()
            for d in e["node"]["doors"]
        )
    ]
    assert len(units) >= 2
    return building, units[0], units[1]


async def until_heard(
    http: aiohttp.ClientSession, url: str, door: str, heard: Callable[[], bool]
) -> None:
    """Unlock `door` until `heard()`: a subscription is live once its first event arrives
    (the protocol acknowledges none), and events before that reach nobody."""
    for _ in range(100):
        await unlocked(http, url, door)
        for _ in range(4):
            await asyncio.sleep(0.025)
            if heard():
                return
    raise AssertionError("the subscription never heard an event")


async def until_gauge(
    http: aiohttp.ClientSession, url: str, value: float, name: str, **labels: str
) -> None:
    """Wait until the metric reads `value` (subscribing and leaving take effect as the
    server reads the messages)."""
    for _ in range(100):
        if await gauge(http, url, name, **labels) == value:
            return
        await asyncio.sleep(0.05)
    assert await gauge(http, url, name, **labels) == value


async def _subscribers(http: aiohttp.ClientSession, url: str, count: int) -> None:
    await until_gauge(http, url, count, "concierge_subscriptions_active", subscription="doorEvents")


async def test_a_client_that_stops_reading_is_closed_with_a_reason_and_others_get_everything(
    http: aiohttp.ClientSession,
) -> None:
    settings = DEMO.with_overrides(subscriber_queue=20)
    async with serve(settings) as url:
        _, a, _ = await _two_remotelock_units(AuthGraph(url, http, None))
        door = _unit_lock(a)["id"]
        # A reader that stops: no compression, and the client library keeps one message at
        # most before it stops reading the socket.
        slow = await websockets.connect(
            url.replace("http", "ws") + "/graphql",
            subprotocols=[Subprotocol("graphql-transport-ws")],
            max_queue=1,
            compression=None,
        )
        await slow.send(json.dumps({"type": "connection_init"}))
        assert json.loads(await slow.recv())["type"] == "connection_ack"
        for n in range(50):
            body = {"query": DOOR_EVENTS, "variables": {"d": door}}
            await slow.send(json.dumps({"id": str(n), "type": "subscribe", "payload": body}))
        fast = RawSubscriber(url)
        await fast.__aenter__()
        try:
            await fast.subscribe("f", DOOR_EVENTS, d=door)
            await _subscribers(http, url, 51)
            await until_heard(http, url, door, lambda: bool(fast.received))
            fast.received.clear()
            events = 300
            for _ in range(events):
                await unlocked(http, url, door)
            await eventually(lambda: len(fast.received.get("f", [])) == events)
            await _subscribers(http, url, 1)  # the slow client's 50 are gone
            # It reads again: what was sent before it was dropped, then the close and why.
            read, closed = await _read_to_the_end(slow)
            assert closed.rcvd is not None
            assert closed.rcvd.code == 1008
            assert "too slow" in closed.rcvd.reason
            assert read < events * 50
            assert not fast.errors
        finally:
            await fast.__aexit__(None, None, None)
            await slow.close()


async def _read_to_the_end(ws: Any) -> tuple[int, ConnectionClosed]:
    """Messages read until the server closed the socket, and how it closed it."""
    read = 0
    while True:
        try:
            await asyncio.wait_for(ws.recv(), timeout=5)
        except ConnectionClosed as closed:
            return read, closed
        read += 1


def _checks(principal: Principal) -> PrincipalChecks:
    return PrincipalChecks(principal, SiteMap())


def test_only_principals_who_see_the_same_objects_share_a_feed() -> None:
    op = Principal(id="op-1", role="operator", building_ids=frozenset({"1"}))
    same_scope = Principal(id="op-2", role="operator", building_ids=frozenset({"1"}))
    keys = {
        name: visibility(_checks(p))
        for name, p in {
            "operator": op,
            # Same buildings, another person: their unlock attempts are not op-1's.
            "another operator": same_scope,
            "the operator with another building": Principal(
                id="op-1", role="operator", building_ids=frozenset({"1", "2"})
            ),
            "tenant": Principal(id="t", role="tenant", tenant_ids=frozenset({"9"})),
        }.items()
    }
    assert len(set(keys.values())) == len(keys)
    everything = [
        visibility(_checks(Principal(id="a", role="admin"))),
        visibility(_checks(Principal(id="i", role="integration"))),
    ]
    assert everything == [("all",), ("all",)]


async def _sse_events(response: aiohttp.ClientResponse, count: int) -> list[tuple[str, str]]:
    events: list[tuple[str, str]] = []
    kind = ""
    async for raw in response.content:
        line = raw.decode().rstrip("\n")
        if line.startswith("event: "):
            kind = line.removeprefix("event: ")
        elif line.startswith("data: "):
            events.append((kind, line.removeprefix("data: ")))
            if len(events) == count:
                break
    return events


async def test_sse_streams_join_the_same_feed_and_queries_still_answer_once(
    demo: str, http: aiohttp.ClientSession
) -> None:
    room_id, _ = await first_room(http, demo)
    headers = {"accept": "text/event-stream"}
    body = {"query": OCCUPANCY, "variables": {"id": room_id}}
    async with (
        http.post(f"{demo}/graphql", json=body, headers=headers) as one,
        http.post(f"{demo}/graphql", json=body, headers=headers) as two,
    ):
        first = await _sse_events(one, 1)
        second = await _sse_events(two, 1)
        assert first == second
        assert first[0][0] == "next"
        assert json.loads(first[0][1])["data"]["occupancy"]["room"]["name"]
        assert await gauge(http, demo, "concierge_subscription_executions") == 1
    query = {"query": "{ spaces { id } }"}
    async with http.post(f"{demo}/graphql", json=query, headers=headers) as answer:
        events = await _sse_events(answer, 2)
    assert [kind for kind, _ in events] == ["next", "complete"]
    assert json.loads(events[0][1])["data"]["spaces"]
    bad = {"query": "subscription { occupancy(roomId: 1) { nope } }"}
    async with http.post(f"{demo}/graphql", json=bad, headers=headers) as refused:
        events = await _sse_events(refused, 2)
    assert [kind for kind, _ in events] == ["next", "complete"]
    assert "nope" in json.loads(events[0][1])["errors"][0]["message"]


async def _messages(url: str, protocol: str, document: str, **variables: Any) -> list[Any]:
    """Every message one subscription gets until it ends, IDs left out."""
    start = {"graphql-transport-ws": "subscribe", "graphql-ws": "start"}[protocol]
    async with websockets.connect(
        url.replace("http", "ws") + "/graphql", subprotocols=[Subprotocol(protocol)]
    ) as ws:
        await ws.send(json.dumps({"type": "connection_init"}))
        assert json.loads(await ws.recv())["type"] == "connection_ack"
        body = {"query": document, "variables": variables}
        await ws.send(json.dumps({"id": "1", "type": start, "payload": body}))
        seen: list[Any] = []
        while True:
            message = json.loads(await asyncio.wait_for(ws.recv(), timeout=20))
            if message["type"] == "ka":
                continue
            seen.append({k: v for k, v in message.items() if k != "id"})
            if message["type"] in ("complete", "error"):
                return seen


@pytest.mark.parametrize("protocol", ["graphql-transport-ws", "graphql-ws"])
async def test_shared_feeds_say_exactly_what_strawberrys_own_path_says(
    http: aiohttp.ClientSession, protocol: str
) -> None:
    """The same ringing call, the same unknown ID and the same invalid document, through a
    feed and through Strawberry's own per-subscriber path: the same messages."""
    call_status = (
        "subscription($id: ID!) { callStatus(callId: $id) { status terminal call { guid } } }"
    )
    heard: dict[bool, list[list[Any]]] = {}
    for shared in (True, False):
        settings = DEMO.with_overrides(call_poll_s=0.05, shared_subscriptions=shared)
        async with serve(settings) as url:
            ctl = await control_url(http, url)
            body = {"call_type": "mobile", "step_s": 0.4}
            rung = await control(http, ctl, "POST", "/scenarios/butterflymx/call", json=body)
            guid = rung["call"]["guid"]
            call = base64.b64encode(f"Call:butterflymx:{guid}".encode()).decode()
            said = [
                await _messages(url, protocol, call_status, id=call),
                await _messages(url, protocol, call_status, id="Q2FsbDpidXR0ZXJmbHlteDpub3Bl"),
                await _messages(url, protocol, "subscription { callStatus { nope } }"),
            ]
            # Each server rings its own call: its guid aside, the messages must match.
            heard[shared] = json.loads(json.dumps(said).replace(guid, "<the call>"))
    assert heard[True] == heard[False]
    statuses = [m["payload"]["data"]["callStatus"]["status"] for m in heard[True][0][:-1]]
    assert statuses == rung["call"]["statuses"]


@pytest.mark.parametrize("deflate", [True, False])
async def test_websocket_compression_is_a_setting(deflate: bool) -> None:
    async with (
        serve(DEMO.with_overrides(ws_per_message_deflate=deflate)) as url,
        websockets.connect(  # the client offers permessage-deflate
            url.replace("http", "ws") + "/graphql",
            subprotocols=[Subprotocol("graphql-transport-ws")],
        ) as ws,
    ):
        negotiated = [e.name for e in ws.protocol.extensions]
    assert negotiated == (["permessage-deflate"] if deflate else [])
