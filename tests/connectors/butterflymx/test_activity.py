"""Calls, call status, door releases and messages round-trip through the client."""

from __future__ import annotations

import math

from connectors.butterflymx import ButterflyMXClient
from tests.conftest import RunningSandbox
from tests.connectors.butterflymx.conftest import reset_counters, route_count


async def test_calls_filter_by_units_and_type(client: ButterflyMXClient) -> None:
    calls = await client.list_calls()
    assert len(calls) == 360
    assert [c.id for c in calls] == sorted((c.id for c in calls), key=int, reverse=True)
    voip = await client.list_calls(filters={"call_type": "voip"})
    assert voip
    assert {c.call_type for c in voip} == {"voip"}
    streamed = [c async for c in client.iter_calls(filters={"call_type": "voip"})]
    assert streamed == voip


async def test_call_status_follows_a_ringing_call_with_its_panel(
    resident: ButterflyMXClient, sandbox: RunningSandbox
) -> None:
    rung = await sandbox.control(
        "POST", "/scenarios/butterflymx/call", json={"call_type": "voip", "step_s": 1}
    )
    guid = rung["call"]["guid"]
    status = await resident.get_call_status(guid)
    assert status.status == "initializing"
    assert status.call is not None
    assert status.call.guid == guid
    assert status.call.panel_id == rung["call"]["panel_id"]
    assert status.call.panel_sip == f"panel_{rung['call']['panel_id']}"
    await sandbox.control("POST", "/clock/advance", json={"seconds": 5})
    assert (await resident.get_call_status(guid)).status == "voip_connected"
    mine = await resident.list_calls(filters={"guid": guid})
    assert [c.guid for c in mine] == [guid]


async def test_door_releases_of_the_user_filter_by_unit(resident: ButterflyMXClient) -> None:
    me = await resident.get_me(include=["tenants"])
    unit_id = me.tenants[0].unit_id
    assert unit_id is not None
    mine = await resident.list_my_door_releases(unit_ids=[unit_id])
    assert mine
    assert all(r.unit_id is None and r.panel_user_type is None for r in mine)
    qr = await resident.list_my_door_releases(filters={"release_method": "qr_key"})
    assert {r.release_method for r in qr} <= {"qr_key"}


async def test_general_door_releases_carry_unit_and_user_and_batch_units(
    client: ButterflyMXClient, sandbox: RunningSandbox
) -> None:
    everything = await client.list_door_releases()
    assert len(everything) == 420
    units = sorted({r.unit_id for r in everything if r.unit_id})[:3]
    batch = await client.list_door_releases(unit_ids=units)
    assert batch
    assert {r.unit_id for r in batch} <= set(units)
    assert len(batch) == sum(1 for r in everything if r.unit_id in units)
    user_id = batch[0].user_id
    assert user_id is not None
    by_user = [r async for r in client.iter_door_releases(user_ids=[user_id])]
    assert by_user
    assert {r.user_id for r in by_user} == {user_id}
    one = await client.get_door_release(batch[0].id)
    assert one == batch[0]


async def test_an_empty_id_batch_asks_the_vendor_nothing(
    client: ButterflyMXClient, sandbox: RunningSandbox
) -> None:
    await client.get_me()
    before = (await sandbox.counters("butterflymx"))["total"]
    assert await client.list_calls(unit_ids=[]) == []
    assert await client.list_door_releases(user_ids=[]) == []
    assert [r async for r in client.iter_door_releases(unit_ids=[])] == []
    assert (await sandbox.counters("butterflymx"))["total"] == before


async def test_large_unit_batches_are_split_into_short_requests(
    client: ButterflyMXClient, sandbox: RunningSandbox
) -> None:
    everything = await client.list_door_releases()
    units = sorted({r.unit_id for r in everything if r.unit_id}, key=int)[:150]
    batches = [set(units[:100]), set(units[100:])]  # at most 100 ids per request
    await reset_counters(sandbox)
    found = await client.list_door_releases(unit_ids=units)
    assert sorted(r.id for r in found) == sorted(r.id for r in everything if r.unit_id in units)
    pages = sum(
        max(1, math.ceil(sum(1 for r in everything if r.unit_id in batch) / 100))
        for batch in batches
    )
    assert await route_count(sandbox, "GET /api/v3/door_releases") == pages


async def test_messages_read_text_and_voice(client: ButterflyMXClient) -> None:
    messages = await client.list_messages()
    assert len(messages) == 150
    voice = await client.list_messages(message_type="voice")
    assert voice
    assert all(m.voice_url and m.message is None for m in voice)
    text = [m for m in messages if m.message_type == "text"]
    assert text
    assert all(m.message and m.voice_url is None for m in text)
