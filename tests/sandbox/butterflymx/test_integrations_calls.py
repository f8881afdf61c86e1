"""Webhook integrations (CRUD and delivery with retries) and the call scenario."""

from __future__ import annotations

import asyncio
import json
from typing import Any

from tests.conftest import RunningSandbox
from tests.sandbox.butterflymx.conftest import Bmx, Receiver


def _integration(url: str, *kinds: str, method: str = "post") -> dict[str, Any]:
    return {
        "data": {
            "type": "integrations",
            "attributes": {
                "integrator": "webhook",
                "config": {"url": url, "method": method},
                "bindings": [{"resource_type": kind} for kind in kinds],
            },
        }
    }


async def _wait_for(predicate: Any) -> None:
    """Poll the sandbox over HTTP (as a client would) until `predicate` holds, for 5 s."""
    async with asyncio.timeout(5.0):
        while True:
            if await predicate():
                return
            await asyncio.sleep(0.02)


async def _demo_building(bmx: Bmx, token: str) -> str:
    me = await bmx.call("GET", "/v3/me", token)
    return str(me.body["data"]["relationships"]["buildings"]["data"][0]["id"])


async def test_building_integration_crud(bmx: Bmx, manager_token: str) -> None:
    building = (await bmx.call("GET", "/v3/buildings", manager_token)).body["data"][0]["id"]
    base = f"/v3/buildings/{building}/integrations"
    created = await bmx.call(
        "POST",
        base,
        manager_token,
        json=_integration("https://hooks.example.com/bmx", "call"),
        content_type="application/json",
    )
    assert created.status == 201
    record = created.body["data"]
    assert record["type"] == "integrations"
    assert len(record["id"]) == 36
    assert record["attributes"]["config"] == {
        "url": "https://hooks.example.com/bmx",
        "method": "post",
    }
    assert record["relationships"]["building"]["data"] == {"id": building, "type": "buildings"}
    listed = await bmx.call("GET", base, manager_token)
    assert [i["id"] for i in listed.body["data"]] == [record["id"]]
    updated = await bmx.call(
        "PATCH",
        f"{base}/{record['id']}",
        manager_token,
        json={
            "data": {
                "type": "integrations",
                "id": record["id"],
                "attributes": {
                    "bindings": [{"resource_type": "call"}, {"resource_type": "door_release"}]
                },
            }
        },
    )
    assert [b["resource_type"] for b in updated.body["data"]["attributes"]["bindings"]] == [
        "call",
        "door_release",
    ]
    shown = await bmx.call("GET", f"{base}/{record['id']}", manager_token)
    assert shown.body["data"] == updated.body["data"]
    invalid = await bmx.call(
        "POST",
        base,
        manager_token,
        json={
            "data": {
                "attributes": {
                    "integrator": "zapier",
                    "config": {"url": "ftp://x", "method": "put"},
                    "bindings": [{"resource_type": "message"}],
                }
            }
        },
    )
    assert {e["source"]["pointer"] for e in invalid.body["errors"]} == {
        "/data/attributes/integrator",
        "/data/attributes/config.url",
        "/data/attributes/config.method",
        "/data/attributes/bindings.resource_type",
    }
    assert (await bmx.call("DELETE", f"{base}/{record['id']}", manager_token)).status == 204
    assert (await bmx.call("GET", f"{base}/{record['id']}", manager_token)).status == 404


async def test_door_release_webhook_retried_until_receiver_answers(
    bmx: Bmx, resident_token: str, sandbox: RunningSandbox, receiver: Receiver
) -> None:
    await sandbox.control("PUT", "/webhooks", json={"retry_interval_s": 0.1})
    receiver.fail_first = 2
    tenant = (await bmx.call("GET", "/v3/me", resident_token)).body["data"]["relationships"][
        "tenants"
    ]["data"][0]["id"]
    created = await bmx.call(
        "POST",
        f"/v3/tenants/{tenant}/integrations",
        resident_token,
        json=_integration(receiver.url, "door_release"),
    )
    assert created.status == 201
    result = await sandbox.control(
        "POST", "/scenarios/butterflymx/door_release", json={"release_method": "qr_key"}
    )
    release_id = result["door_release"]["id"]

    async def delivered() -> bool:
        log = await sandbox.control("GET", "/webhooks?vendor=butterflymx")
        return any(d["state"] == "delivered" for d in log["deliveries"])

    await _wait_for(delivered)
    log = await sandbox.control("GET", "/webhooks?vendor=butterflymx")
    (delivery,) = log["deliveries"]
    assert [a["status"] for a in delivery["attempts"]] == [500, 500, 200]
    assert delivery["subscriber_id"] == created.body["data"]["id"]
    assert len(receiver.requests) == 3
    payload = json.loads(receiver.requests[-1]["body"])
    assert payload["event_type"] == "door_release.created"
    assert payload["data"]["id"] == release_id
    assert payload["data"]["attributes"]["release_method"] == "qr_key"
    assert receiver.requests[-1]["headers"]["X-ButterflyMX-Event"] == "door_release.created"


async def test_call_scenario_moves_through_statuses_with_webhooks(
    bmx: Bmx, resident_token: str, manager_token: str, sandbox: RunningSandbox, receiver: Receiver
) -> None:
    building = await _demo_building(bmx, resident_token)
    await bmx.call(
        "POST",
        f"/v3/buildings/{building}/integrations",
        manager_token,
        json=_integration(receiver.url, "call", "door_release", method="get"),
    )
    result = await sandbox.control(
        "POST",
        "/scenarios/butterflymx/call",
        json={"call_type": "mobile", "outcome": "rejected", "step_s": 0.15},
    )
    call = result["call"]
    assert call["statuses"] == ["initializing", "connecting_sip", "rejected"]
    seen: list[str] = []

    async def finished() -> bool:
        reply = await bmx.call("GET", f"/v3/me/calls/{call['guid']}/status", resident_token)
        status = reply.body["data"]["attributes"]["status"]
        if not seen or seen[-1] != status:
            seen.append(status)
        return bool(status == "rejected")

    await _wait_for(finished)
    assert seen[0] in ("initializing", "connecting_sip")
    assert seen[-1] == "rejected"
    reply = await bmx.call("GET", f"/v3/me/calls/{call['guid']}/status", resident_token)
    assert reply.body["data"]["type"] == "call_statuses"
    (included,) = reply.body["included"]
    assert included["attributes"]["panel_sip"] == f"panel_{call['panel_id']}"
    assert "status" not in included["attributes"]

    async def three_hooks() -> bool:
        return len(receiver.requests) >= 3

    await _wait_for(three_hooks)
    statuses = [
        json.loads(r["query"]["payload"])["data"]["attributes"]["status"] for r in receiver.requests
    ]
    assert statuses == ["initializing", "connecting_sip", "rejected"]
    assert {r["method"] for r in receiver.requests} == {"GET"}
    listed = await bmx.call(
        "GET", "/v3/me/calls", resident_token, params={"filter[guid]": call["guid"]}
    )
    assert listed.body["data"][0]["attributes"]["status"] == "rejected"


async def test_clock_advance_fast_forwards_a_ringing_call(
    bmx: Bmx, resident_token: str, sandbox: RunningSandbox
) -> None:
    result = await sandbox.control(
        "POST",
        "/scenarios/butterflymx/call",
        json={"call_type": "voip", "outcome": "voip_connected", "step_s": 600, "open_door": True},
    )
    guid = result["call"]["guid"]
    state = await sandbox.control("GET", "/vendors/butterflymx")
    assert [c["guid"] for c in state["live_calls"]] == [guid]
    await sandbox.control("POST", "/clock/advance", json={"seconds": 601})

    async def connected() -> bool:
        reply = await bmx.call("GET", f"/v3/me/calls/{guid}/status", resident_token)
        return bool(reply.body["data"]["attributes"]["status"] == "voip_connected")

    await _wait_for(connected)
    releases = await bmx.call(
        "GET", "/v3/door_releases", resident_token, params={"call_guid": guid}
    )
    assert [d["id"] for d in releases.body["data"]] == [str(result["call"]["door_release_id"])]


async def test_scenarios_reject_bad_parameters(sandbox: RunningSandbox) -> None:
    url = f"{sandbox.control_url}/scenarios/butterflymx/call"
    for params in (
        {"call_type": "fax"},
        {"outcome": "rejected"},
        {"unit_id": 1},
        {"colour": "red"},
    ):
        async with sandbox.http.post(url, json=params) as response:
            assert response.status == 400, params
