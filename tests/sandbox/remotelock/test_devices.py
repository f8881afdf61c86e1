"""Locks: remote lock/unlock and the events that confirm them, settings, registration."""

from __future__ import annotations

from typing import Any

from tests.conftest import RunningSandbox
from tests.sandbox.remotelock.conftest import RemoteLock


async def test_unlock_answers_the_new_state_then_the_event_appears(rl: RemoteLock) -> None:
    lock = await rl.first_lock()
    ident = lock["id"]
    unlocked = await rl.put(f"/devices/{ident}/unlock")
    assert unlocked.status == 200
    assert unlocked.data["attributes"]["state"] == "unlocked"
    event = await rl.wait_for_event(
        lambda e: e["type"] == "unlocked_event" and e["attributes"]["publisher_id"] == ident
    )
    attrs = event["attributes"]
    assert attrs["source"] == "user"
    assert attrs["status"] == "succeeded"
    assert attrs["method"] == "remote"
    assert attrs["publisher_type"] == "lock"
    assert "associated_resource_id" not in attrs
    assert event["links"]["publisher"] == f"{rl.api_url}/devices/{ident}"
    assert (await rl.get(f"/events/{event['id']}")).data == event
    locked = await rl.put(f"/devices/{ident}/lock")
    assert locked.data["attributes"]["state"] == "locked"
    await rl.wait_for_event(
        lambda e: e["type"] == "locked_event" and e["attributes"]["publisher_id"] == ident
    )
    assert (await rl.get(f"/devices/{ident}")).data["attributes"]["state"] == "locked"


async def test_offline_lock_accepts_the_command_but_reports_failure(
    rl: RemoteLock, sandbox: RunningSandbox
) -> None:
    lock = await rl.first_lock()
    ident, before = lock["id"], lock["attributes"]["state"]
    await sandbox.control(
        "POST", "/scenarios/remotelock/connectivity", json={"device_id": ident, "connected": False}
    )
    target = "lock" if before == "unlocked" else "unlock"
    reply = await rl.put(f"/devices/{ident}/{target}")
    assert reply.status == 200
    assert reply.data["attributes"]["state"] != before
    event = await rl.wait_for_event(
        lambda e: (
            e["attributes"]["publisher_id"] == ident
            and e["type"] in ("locked_event", "unlocked_event")
        )
    )
    assert event["attributes"]["status"] == "failed"
    assert event["attributes"]["status_info"] == "timeout"
    assert (await rl.get(f"/devices/{ident}")).data["attributes"]["state"] == before


async def test_auto_lock_relocks_after_the_timeout(rl: RemoteLock, sandbox: RunningSandbox) -> None:
    lock = await rl.first_lock()
    ident = lock["id"]
    enabled = await rl.put(
        f"/devices/{ident}", {"attributes": {"auto_lock": True, "auto_lock_timeout": 10}}
    )
    assert enabled.status == 200
    await rl.put(f"/devices/{ident}/unlock")
    await rl.wait_for_event(
        lambda e: e["type"] == "unlocked_event" and e["attributes"]["publisher_id"] == ident
    )
    await sandbox.control("POST", "/clock/advance", json={"seconds": 11})
    event = await rl.wait_for_event(
        lambda e: e["type"] == "locked_event" and e["attributes"]["publisher_id"] == ident
    )
    assert event["attributes"]["method"] == "auto_lock"
    assert event["attributes"]["source"] == "device"
    assert (await rl.get(f"/devices/{ident}")).data["attributes"]["state"] == "locked"


async def test_update_lock_settings(rl: RemoteLock) -> None:
    lock = await rl.first_lock()
    ident = lock["id"]
    schedule = await rl.post(
        "/schedules",
        {
            "type": "lock_action_schedule",
            "attributes": {"name": "Office hours", "mon": [{"time": "08:00", "action": "unlock"}]},
        },
    )
    location = (await rl.get("/locations")).data[-1]["id"]
    reply = await rl.put(
        f"/devices/{ident}",
        {
            "attributes": {
                "name": "Backdoor Lock",
                "location_id": location,
                "default_guest_start_time": "11:15",
                "power_source": "lithium_battery",
                "lock_action_schedule_id": schedule.data["id"],
                "heartbeat_interval": 1200,
            }
        },
    )
    assert reply.status == 200, reply.text
    attrs = reply.data["attributes"]
    assert attrs["name"] == "Backdoor Lock"
    assert attrs["location_id"] == location
    assert attrs["default_guest_start_time"] == "11:15:00"
    assert attrs["power_source"] == "lithium_battery"
    assert attrs["lock_action_schedule_id"] == schedule.data["id"]
    assert list(attrs)[-1] == "lock_action_schedule_id"
    assert reply.data["links"]["lock_action_schedule"].endswith(schedule.data["id"])
    cleared = await rl.put(f"/devices/{ident}", {"attributes": {"lock_action_schedule_id": None}})
    assert "lock_action_schedule_id" not in cleared.data["attributes"]
    assert "lock_action_schedule" not in cleared.data["links"]


async def test_invalid_lock_settings_are_resource_errors(rl: RemoteLock) -> None:
    lock = await rl.first_lock()
    reply = await rl.put(
        f"/devices/{lock['id']}",
        {
            "attributes": {
                "power_source": "solar",
                "heartbeat_interval": 17,
                "muted": "yes",
                "location_id": "00000000-0000-4000-8000-000000000000",
                "local_pins": ["0000"],
            }
        },
    )
    assert reply.status == 422
    failing = {e["attribute"] for e in reply.body["errors"]}
    assert failing == {"power_source", "heartbeat_interval", "muted", "location_id", "local_pins"}


async def test_register_a_lock_which_connects_shortly_after(
    rl: RemoteLock, sandbox: RunningSandbox
) -> None:
    models = (await rl.get("/models?per_page=50")).data
    ls6i = next(m for m in models if m["attributes"]["number"] == "LS-6i")
    location = (await rl.get("/locations")).data[0]["id"]
    body: dict[str, Any] = {
        "attributes": {
            "name": "Home Lock",
            "location_id": location,
            "serial_number": "AC000W000213429",
            "model_id": ls6i["id"],
        }
    }
    reply = await rl.post("/devices", body)
    assert reply.status == 201, reply.text
    ident = reply.data["id"]
    assert reply.data["type"] == "lock"
    assert reply.data["attributes"]["connected_at"] is None
    await sandbox.control("POST", "/clock/advance", json={"seconds": 2})
    event = await rl.wait_for_event(
        lambda e: e["type"] == "connectivity_event" and e["attributes"]["publisher_id"] == ident
    )
    assert event["attributes"]["connected_at"] is not None
    assert (await rl.get(f"/devices/{ident}")).data["attributes"]["connected"] is True
    again = await rl.post("/devices", body)
    assert again.status == 422
    assert again.body["errors"][0]["attribute"] == "serial_number"
    assert (await rl.delete(f"/devices/{ident}")).status == 204
    assert (await rl.get(f"/devices/{ident}")).status == 404


async def test_register_refuses_non_lock_models(rl: RemoteLock) -> None:
    models = (await rl.get("/models?per_page=50")).data
    plug = next(m for m in models if m["attributes"]["type"] == "power_plug")
    location = (await rl.get("/locations")).data[0]["id"]
    reply = await rl.post(
        "/devices",
        {
            "attributes": {
                "name": "Plug",
                "location_id": location,
                "serial_number": "X1",
                "model_id": plug["id"],
            }
        },
    )
    assert reply.status == 422
    assert reply.body["errors"][0]["attribute"] == "model_id"
