"""Calls, call status, door releases and messages round-trip through the client."""

from __future__ import annotations

import math

import aiohttp

from concierge.connectors.butterflymx import ButterflyMXClient, build_client
from tests.conftest import RunningSandbox
from tests.connectors.butterflymx.conftest import (
    ConfigFactory,
    RecordingStorage,
    reset_counters,
    route_count,
)


async def test_calls_filter_by_units_and_type(client: ButterflyMXClient) -> None:
    calls = await client.calls.list()
    assert len(calls) == 360
    assert [c.id for c in calls] == sorted((c.id for c in calls), key=int, reverse=True)
    voip = await client.calls.list(filters={"call_type": "voip"})
    assert voip
    assert {c.call_type for c in voip} == {"voip"}


async def test_call_status_follows_a_ringing_call_with_its_panel(
    resident: ButterflyMXClient, sandbox: RunningSandbox
) -> None:
    rung = await sandbox.control(
        "POST", "/scenarios/butterflymx/call", json={"call_type": "voip", "step_s": 1}
    )
    guid = rung["call"]["guid"]
    status = await resident.calls.get_status(guid)
    assert status.status == "initializing"
    assert status.call is not None
    assert status.call.guid == guid
    assert status.call.panel_id == rung["call"]["panel_id"]
    assert status.call.panel_sip == f"panel_{rung['call']['panel_id']}"
    await sandbox.control("POST", "/clock/advance", json={"seconds": 5})
    assert (await resident.calls.get_status(guid)).status == "voip_connected"
    mine = await resident.calls.list(filters={"guid": guid})
    assert [c.guid for c in mine] == [guid]


async def test_door_releases_of_the_user_filter_by_unit(resident: ButterflyMXClient) -> None:
    me = await resident.me.get(include=["tenants"])
    unit_id = me.tenants[0].unit_id
    assert unit_id is not None
    mine = await resident.door_releases.list_mine(unit_ids=[unit_id])
    assert mine
    assert all(r.unit_id is None and r.panel_user_type is None for r in mine)
    qr = await resident.door_releases.list_mine(filters={"release_method": "qr_key"})
    assert {r.release_method for r in qr} <= {"qr_key"}


async def test_general_door_releases_carry_unit_and_user_and_batch_units(
    client: ButterflyMXClient, sandbox: RunningSandbox
) -> None:
    everything = await client.door_releases.list()
    assert len(everything) == 420
    units = sorted({r.unit_id for r in everything if r.unit_id})[:3]
    batch = await client.door_releases.list(unit_ids=units)
    assert batch
    assert {r.unit_id for r in batch} <= set(units)
    assert len(batch) == sum(1 for r in everything if r.unit_id in units)
    user_id = batch[0].user_id
    assert user_id is not None
    by_user = await client.door_releases.list(user_ids=[user_id])
    assert by_user
    assert {r.user_id for r in by_user} == {user_id}
    one = await client.door_releases.get(batch[0].id)
    assert one == batch[0]


async def test_an_empty_id_batch_asks_the_vendor_nothing(
    client: ButterflyMXClient, sandbox: RunningSandbox
) -> None:
    await client.me.get()
    before = (await sandbox.counters("butterflymx"))["total"]
    assert await client.calls.list(unit_ids=[]) == []
    assert await client.door_releases.list(user_ids=[]) == []
    assert await client.door_releases.list(unit_ids=[]) == []
    assert (await sandbox.counters("butterflymx"))["total"] == before


async def test_large_unit_batches_are_split_into_short_requests(
    client: ButterflyMXClient, sandbox: RunningSandbox
) -> None:
    everything = await client.door_releases.list()
    units = sorted({r.unit_id for r in everything if r.unit_id}, key=int)[:150]
    batches = [set(units[:100]), set(units[100:])]  # at most 100 ids per request
    await reset_counters(sandbox)
    found = await client.door_releases.list(unit_ids=units)
    assert sorted(r.id for r in found) == sorted(r.id for r in everything if r.unit_id in units)
    pages = sum(
        max(1, math.ceil(sum(1 for r in everything if r.unit_id in batch) / 100))
        for batch in batches
    )
    assert await route_count(sandbox, "GET /api/v3/door_releases") == pages


async def test_what_was_recorded_since_a_moment_is_read_oldest_first_from_the_newest_pages(
    make_config: ConfigFactory,
    http: aiohttp.ClientSession,
    storage: RecordingStorage,
    sandbox: RunningSandbox,
) -> None:
    client = build_client(make_config(page_size=10), http, storage)
    everything = await client.door_releases.list()
    newest = sorted(everything, key=lambda r: r.created_at, reverse=True)
    since = newest[24].created_at
    # Records of the same second come in creation (id) order.
    expected = sorted(
        (r for r in everything if r.created_at >= since), key=lambda r: (r.created_at, int(r.id))
    )
    await reset_counters(sandbox)
    found = await client.door_releases.created_since(since)
    assert [r.id for r in found] == [r.id for r in expected]
    # 25 of 420 on pages of 10: the walk stops at the first page reaching past `since`.
    assert await route_count(sandbox, "GET /api/v3/door_releases") == 3

    units = sorted({r.unit_id for r in everything if r.unit_id}, key=int)[:5]
    calls = await client.calls.list(unit_ids=units)
    moment = sorted(c.created_at for c in calls)[len(calls) // 2]
    recent = await client.calls.created_since(moment, unit_ids=units)
    assert [c.id for c in recent] == [
        c.id
        for c in sorted(calls, key=lambda c: (c.created_at, int(c.id)))
        if c.created_at >= moment
    ]
    assert all(c.status for c in recent)  # each with where it is now
