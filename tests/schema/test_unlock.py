"""unlockDoor / lockDoor: once per idempotency key, never retried blind, confirmed by the vendor."""

from __future__ import annotations

import asyncio
import base64
from typing import Any

import aiohttp
import pytest

from concierge.server.settings import Settings
from tests.schema.graphs import Graph, building_of

UNLOCK = """
mutation($door: ID!, $tenant: ID, $key: String!) {
  unlockDoor(input: {doorId: $door, tenantId: $tenant, idempotencyKey: $key}) {
    __typename
    ... on UnlockDoorSuccess { attempt { id status action vendor vendorReference errorCode
                                         createdAt acceptedAt door { id } } }
    ... on UserError { code message }
    ... on InvalidInputError { field }
  }
}
"""
LOCK = """
mutation($door: ID!, $key: String!) {
  lockDoor(input: {doorId: $door, idempotencyKey: $key}) {
    __typename
    ... on LockDoorSuccess { attempt { id status action } }
    ... on UserError { code message }
  }
}
"""
ATTEMPT = """
query($id: ID!) { node(id: $id) { ... on UnlockAttempt {
  id status errorCode errorMessage confirmedAt finishedAt vendorReference } } }
"""
DOORS = """
{ buildings(first: 1) { edges { node {
  doors(vendor: REMOTELOCK) { id name online }
  accessPoints { id name }
  units(first: 50) { edges { node { id tenants { id } doors { id vendor } } } }
} } } }
"""
RL_UNLOCK = "PUT /api/devices/{id}/unlock"
BMX_RELEASE = "POST /api/v4/door_release_requests"


@pytest.fixture
def concierge_settings() -> Settings:
    return Settings(demo_activity_s=0, unlock_confirm_timeout_s=3)


async def _site(graph: Graph) -> dict[str, Any]:
    return building_of(await graph.query(DOORS))


async def _remotelock_door(graph: Graph) -> str:
    doors = [d for d in (await _site(graph))["doors"] if d["online"]]
    assert doors, "the demo building has online RemoteLock locks"
    return str(doors[0]["id"])


async def _unlock(graph: Graph, door: str, key: str, tenant: str | None = None) -> Any:
    body = await graph.query(UNLOCK, door=door, key=key, tenant=tenant)
    assert "errors" not in body, body
    return body["data"]["unlockDoor"]


async def _settled(graph: Graph, attempt_id: str) -> dict[str, Any]:
    for _ in range(100):
        node = (await graph.query(ATTEMPT, id=attempt_id))["data"]["node"]
        if node["status"] in ("CONFIRMED", "FAILED", "TIMED_OUT"):
            return dict(node)
        await asyncio.sleep(0.1)
    raise AssertionError(f"attempt {attempt_id} did not settle: {node}")


async def _calls(graph: Graph, vendor: str, route: str) -> int:
    counters = await graph.sandbox("GET", f"/counters?vendor={vendor}")
    return int(counters["routes"].get(route, 0))


async def test_an_unlock_is_accepted_then_confirmed_by_the_locks_event(graph: Graph) -> None:
    door = await _remotelock_door(graph)
    result = await _unlock(graph, door, "open-1")
    assert result["__typename"] == "UnlockDoorSuccess"
    attempt = result["attempt"]
    assert (attempt["status"], attempt["action"], attempt["vendor"]) == (
        "ACCEPTED",
        "UNLOCK",
        "REMOTELOCK",
    )
    assert attempt["door"]["id"] == door
    settled = await _settled(graph, attempt["id"])
    assert settled["status"] == "CONFIRMED"
    assert settled["confirmedAt"] is not None


async def test_twenty_concurrent_unlocks_with_one_key_make_one_vendor_call(graph: Graph) -> None:
    door = await _remotelock_door(graph)
    before = await _calls(graph, "remotelock", RL_UNLOCK)
    answers = await asyncio.gather(*(_unlock(graph, door, "same-key") for _ in range(20)))
    assert await _calls(graph, "remotelock", RL_UNLOCK) - before == 1
    assert all(a == answers[0] for a in answers)
    assert answers[0]["__typename"] == "UnlockDoorSuccess"
    # A later retry, once the attempt has settled, still gets the first answer.
    await _settled(graph, answers[0]["attempt"]["id"])
    assert await _unlock(graph, door, "same-key") == answers[0]
    assert await _calls(graph, "remotelock", RL_UNLOCK) - before == 1


async def test_the_same_key_for_another_door_is_a_conflict(graph: Graph) -> None:
    site = await _site(graph)
    first, second = site["doors"][0]["id"], site["doors"][1]["id"]
    assert (await _unlock(graph, first, "k"))["__typename"] == "UnlockDoorSuccess"
    before = await _calls(graph, "remotelock", RL_UNLOCK)
    conflict = await _unlock(graph, second, "k")
    assert conflict["__typename"] == "IdempotencyConflictError"
    assert "different request" in conflict["message"]
    assert await _calls(graph, "remotelock", RL_UNLOCK) == before


async def test_a_lock_that_never_reports_times_out(graph: Graph) -> None:
    door = await _remotelock_door(graph)
    device = _vendor_id(door)
    await graph.sandbox("POST", "/scenarios/remotelock/unresponsive", json={"device_id": device})
    attempt = (await _unlock(graph, door, "silent"))["attempt"]
    assert attempt["status"] == "ACCEPTED"
    settled = await _settled(graph, attempt["id"])
    assert settled["status"] == "TIMED_OUT"
    assert settled["finishedAt"] is not None


async def test_a_503_on_the_unlock_is_not_retried(graph: Graph) -> None:
    door = await _remotelock_door(graph)
    await graph.sandbox(
        "PATCH",
        "/faults/remotelock",
        json={"error_rate": 1, "error_status": 503, "methods": ["PUT"]},
    )
    before = await _calls(graph, "remotelock", RL_UNLOCK)
    result = await _unlock(graph, door, "flaky")
    assert await _calls(graph, "remotelock", RL_UNLOCK) - before == 1
    assert result["__typename"] == "UnlockDoorSuccess"
    assert result["attempt"]["status"] == "FAILED"
    assert result["attempt"]["errorCode"] == "VENDOR_UNAVAILABLE"


async def test_a_butterflymx_door_opens_on_behalf_of_a_tenant_and_is_confirmed(
    graph: Graph,
) -> None:
    site = await _site(graph)
    access_point = site["accessPoints"][0]["id"]
    tenant = next(t["id"] for u in site["units"]["edges"] for t in u["node"]["tenants"])
    before = await _calls(graph, "butterflymx", BMX_RELEASE)
    missing = await _unlock(graph, access_point, "no-tenant")
    assert (missing["__typename"], missing["field"]) == ("InvalidInputError", "tenantId")
    assert await _calls(graph, "butterflymx", BMX_RELEASE) == before

    attempt = (await _unlock(graph, access_point, "bmx-1", tenant))["attempt"]
    assert attempt["vendor"] == "BUTTERFLYMX"
    assert attempt["vendorReference"].startswith("door_release:")
    assert (await _settled(graph, attempt["id"]))["status"] == "CONFIRMED"
    assert await _calls(graph, "butterflymx", BMX_RELEASE) == before + 1


async def test_doors_that_cannot_do_it_and_unknown_doors_are_refused_before_any_call(
    graph: Graph,
) -> None:
    site = await _site(graph)
    access_point = site["accessPoints"][0]["id"]
    before = await _calls(graph, "butterflymx", BMX_RELEASE)
    body = await graph.query(LOCK, door=access_point, key="lock-ap")
    assert body["data"]["lockDoor"]["__typename"] == "DoorNotCapableError"
    tenant_as_door = site["units"]["edges"][0]["node"]["tenants"][0]["id"]
    wrong = await _unlock(graph, tenant_as_door, "wrong-type")
    assert (wrong["__typename"], wrong["field"]) == ("InvalidInputError", "doorId")
    ghost = base64.b64encode(b"Door:remotelock.lock:no-such-lock").decode()
    assert (await _unlock(graph, ghost, "ghost"))["__typename"] == "NotFoundError"
    assert await _calls(graph, "butterflymx", BMX_RELEASE) == before


async def test_an_offline_lock_is_refused_without_a_command(graph: Graph) -> None:
    door = await _remotelock_door(graph)
    await graph.sandbox(
        "POST",
        "/scenarios/remotelock/connectivity",
        json={"device_id": _vendor_id(door), "connected": False},
    )
    before = await _calls(graph, "remotelock", RL_UNLOCK)
    result = await _unlock(graph, door, "offline")
    assert result["__typename"] == "DoorOfflineError", result
    assert await _calls(graph, "remotelock", RL_UNLOCK) == before


def _vendor_id(global_id: str) -> str:
    return base64.b64decode(global_id).decode().split(":", 2)[2]


async def test_a_client_gone_mid_unlock_leaves_a_finished_attempt_for_its_retry(
    graph: Graph, concierge_url: str, http: aiohttp.ClientSession
) -> None:
    door = await _remotelock_door(graph)
    await graph.sandbox("PATCH", "/faults/remotelock", json={"latency_ms": 500, "methods": ["PUT"]})
    ws = await http.ws_connect(
        concierge_url.replace("http", "ws", 1) + "/graphql", protocols=["graphql-transport-ws"]
    )
    await ws.send_json({"type": "connection_init"})
    assert (await ws.receive_json(timeout=5))["type"] == "connection_ack"
    variables = {"door": door, "key": "gone", "tenant": None}
    await ws.send_json(
        {"id": "1", "type": "subscribe", "payload": {"query": UNLOCK, "variables": variables}}
    )
    await asyncio.sleep(0.2)  # the command is on its way to the lock
    await ws.close()  # the phone loses its connection: its operation is cancelled

    retry = await _unlock(graph, door, "gone")
    assert retry["__typename"] == "UnlockDoorSuccess"
    assert retry["attempt"]["status"] == "ACCEPTED"  # finished, not stuck PENDING
    assert await _calls(graph, "remotelock", RL_UNLOCK) == 1
