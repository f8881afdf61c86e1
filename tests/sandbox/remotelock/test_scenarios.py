"""Control-API scenarios for RemoteLock, and determinism of ids for a seed."""

from __future__ import annotations

from typing import Any

import aiohttp
import pytest

from concierge.sandbox.app import Sandbox
from concierge.sandbox.dataset import DatasetSpec
from tests.conftest import RunningSandbox
from tests.sandbox.remotelock.conftest import RemoteLock

SCENARIO = "/scenarios/remotelock"


async def _scenario(sandbox: RunningSandbox, name: str, params: dict[str, Any]) -> Any:
    async with sandbox.http.post(f"{sandbox.control_url}{SCENARIO}/{name}", json=params) as r:
        return r.status, await r.json()


async def test_scenarios_are_listed(sandbox: RunningSandbox) -> None:
    listed = await sandbox.control("GET", "/scenarios")
    assert listed["remotelock"] == ["battery_low", "connectivity", "lock_event", "unresponsive"]


async def test_lock_event_by_a_resident_pin(rl: RemoteLock, sandbox: RunningSandbox) -> None:
    lock = await rl.first_lock()
    access = (
        await rl.get(
            f"/devices/{lock['id']}/access_person_accesses?"
            "attributes[access_person_type]=access_user"
        )
    ).data[0]
    person = access["attributes"]["access_person_id"]
    status, result = await _scenario(
        sandbox,
        "lock_event",
        {"device_id": lock["id"], "event": "unlocked", "access_person_id": person},
    )
    assert status == 200
    event = result["event"]
    assert event["type"] == "unlocked_event"
    assert event["attributes"]["method"] == "pin"
    assert event["attributes"]["associated_resource_id"] == person
    assert event["attributes"]["associated_resource_type"] == "access_user"
    assert event["links"]["associated_resource"].endswith(f"/access_persons/{person}")
    assert result["device"]["attributes"]["state"] == "unlocked"
    listed = await rl.get(f"/events?attributes[publisher_id]={person}")
    assert listed.data[0]["type"] == "access_person_used_event"
    # Deleting the person fills associated_resource_name on its events, as documented.
    await rl.delete(f"/access_persons/{person}")
    again = await rl.get(f"/events/{event['id']}")
    assert again.data["attributes"]["associated_resource_name"] is not None


async def test_access_denied_and_locked_events(rl: RemoteLock, sandbox: RunningSandbox) -> None:
    lock = await rl.first_lock()
    status, denied = await _scenario(
        sandbox, "lock_event", {"device_id": lock["id"], "event": "access_denied", "pin": "0000"}
    )
    assert status == 200
    assert denied["event"]["attributes"]["status"] == "failed"
    assert "associated_resource_id" not in denied["event"]["attributes"]
    _, locked = await _scenario(
        sandbox, "lock_event", {"device_id": lock["id"], "event": "locked", "method": "manual"}
    )
    assert locked["event"]["attributes"]["method"] == "manual"
    assert (await rl.get(f"/devices/{lock['id']}")).data["attributes"]["state"] == "locked"


async def test_battery_low_updates_the_lock(rl: RemoteLock, sandbox: RunningSandbox) -> None:
    lock = await rl.first_lock()
    status, result = await _scenario(
        sandbox, "battery_low", {"device_id": lock["id"], "power_level": 5}
    )
    assert status == 200
    assert result["event"]["type"] == "power_level_low_event"
    assert result["event"]["attributes"]["power_level"] == 5
    assert (await rl.get(f"/devices/{lock['id']}")).data["attributes"]["power_level"] == 5


async def test_connectivity_takes_a_lock_offline_and_back(
    rl: RemoteLock, sandbox: RunningSandbox
) -> None:
    lock = await rl.first_lock()
    _, offline = await _scenario(
        sandbox, "connectivity", {"device_id": lock["id"], "connected": False}
    )
    assert offline["event"]["type"] == "connectivity_event"
    assert (await rl.get(f"/devices/{lock['id']}")).data["attributes"]["connected"] is False
    _, online = await _scenario(
        sandbox, "connectivity", {"device_id": lock["id"], "connected": True}
    )
    device = (await rl.get(f"/devices/{lock['id']}")).data["attributes"]
    assert device["connected"] is True
    assert online["event"]["attributes"]["connected_at"] == device["connected_at"]


@pytest.mark.parametrize(
    ("name", "params"),
    [
        ("lock_event", {"event": "unlocked"}),
        ("lock_event", {"device_id": "nope", "event": "unlocked"}),
        ("lock_event", {"device_id": "LOCK", "event": "exploded"}),
        ("battery_low", {"device_id": "LOCK", "power_level": 140}),
        ("connectivity", {"device_id": "LOCK"}),
    ],
)
async def test_bad_scenario_parameters_get_400(
    rl: RemoteLock, sandbox: RunningSandbox, name: str, params: dict[str, Any]
) -> None:
    lock = await rl.first_lock()
    params = {k: (lock["id"] if v == "LOCK" else v) for k, v in params.items()}
    status, body = await _scenario(sandbox, name, params)
    assert status == 400
    assert "error" in body


async def test_ambient_tick_records_activity(sandbox: RunningSandbox) -> None:
    sim = sandbox.sandbox.vendors["remotelock"]
    before = sim.state()["records"]["events"]
    for _ in range(5):
        await sim.ambient_tick()
    assert sim.state()["records"]["events"] > before


async def _snapshot(spec: DatasetSpec) -> dict[str, Any]:
    """Ids (not timestamps) a fresh sandbox gives for a fixed sequence of requests."""
    box = Sandbox(spec)
    info = await box.start()
    try:
        vendor = info["vendors"]["remotelock"]
        creds = vendor["credentials"]
        async with aiohttp.ClientSession() as http:
            async with http.post(
                f"{vendor['auth_url']}/oauth/token",
                data={
                    "grant_type": "client_credentials",
                    "client_id": creds["client_id"],
                    "client_secret": creds["client_secret"],
                },
            ) as r:
                token = (await r.json())["access_token"]
            headers = {"Authorization": f"Bearer {token}"}

            async def get(path: str) -> Any:
                async with http.get(vendor["api_url"] + path, headers=headers) as r:
                    return await r.json()

            async with http.post(
                vendor["api_url"] + "/access_persons",
                headers=headers,
                json={"type": "access_user", "attributes": {"name": "Det", "generate_pin": True}},
            ) as r:
                created = (await r.json())["data"]
            return {
                "credentials": creds,
                "devices": [d["id"] for d in (await get("/devices?per_page=50"))["data"]],
                "events": [
                    (e["id"], e["type"]) for e in (await get("/events?per_page=50"))["data"]
                ],
                "persons": [p["id"] for p in (await get("/access_persons?per_page=50"))["data"]],
                "created": (created["id"], created["attributes"]["pin"]),
            }
    finally:
        await box.stop()


async def test_same_seed_gives_the_same_ids_and_another_seed_does_not() -> None:
    spec = DatasetSpec(seed=7, units_per_building=(20, 20))
    first, second = await _snapshot(spec), await _snapshot(spec)
    assert first == second
    other = await _snapshot(DatasetSpec(seed=8, units_per_building=(20, 20)))
    assert other["created"] != first["created"]
    assert other["devices"] != first["devices"]
