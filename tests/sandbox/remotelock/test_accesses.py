"""Accesses: granting a person a lock or a location, schedules, sync counts, reverse lookups."""

from __future__ import annotations

from tests.sandbox.remotelock.conftest import RemoteLock


async def _guest(rl: RemoteLock) -> str:
    reply = await rl.post(
        "/access_persons",
        {
            "type": "access_guest",
            "attributes": {
                "name": "Visitor",
                "generate_pin": True,
                "starts_at": "2030-01-01T16:00:00",
                "ends_at": "2030-01-05T11:00:00",
            },
        },
    )
    return str(reply.data["id"])


async def test_grant_lock_access_with_schedule_and_time_override(rl: RemoteLock) -> None:
    person = await _guest(rl)
    lock = await rl.first_lock()
    schedule = (await rl.get("/schedules?type=access_schedule")).data[0]["id"]
    reply = await rl.post(
        f"/access_persons/{person}/accesses",
        {
            "attributes": {
                "accessible_id": lock["id"],
                "accessible_type": "lock",
                "guest_start_time": "14:00",
                "access_schedule_id": schedule,
            }
        },
    )
    assert reply.status == 201, reply.text
    access = reply.data
    assert access["type"] == "access_person_access"
    attrs = access["attributes"]
    assert list(attrs) == [
        "guest_start_time",
        "guest_end_time",
        "devices_count",
        "devices_synced_count",
        "devices_pending_sync_count",
        "devices_failed_sync_count",
        "accessible_type",
        "created_at",
        "updated_at",
        "access_schedule_id",
        "access_person_id",
        "access_person_type",
        "accessible_id",
    ]
    assert attrs["guest_start_time"] == "14:00:00"
    assert attrs["access_person_type"] == "access_guest"
    assert attrs["devices_count"] == 1
    assert attrs["devices_pending_sync_count"] == 1
    assert list(access["links"]) == ["self", "access_schedule", "access_person", "accessible"]
    assert access["links"]["accessible"] == f"{rl.api_url}/devices/{lock['id']}"
    synced = await rl.wait_for_event(
        lambda e: (
            e["type"] == "access_person_synced_event"
            and e["attributes"]["associated_resource_id"] == person
        )
    )
    after = await rl.get(f"/access_persons/{person}/accesses/{access['id']}")
    assert after.data["attributes"]["devices_synced_count"] == 1
    assert after.data["attributes"]["devices_pending_sync_count"] == 0
    assert synced["attributes"]["publisher_id"] == lock["id"]


async def test_update_changes_only_the_schedule(rl: RemoteLock) -> None:
    person = await _guest(rl)
    lock = await rl.first_lock()
    granted = await rl.post(
        f"/access_persons/{person}/accesses",
        {"attributes": {"accessible_id": lock["id"], "accessible_type": "lock"}},
    )
    assert "access_schedule_id" not in granted.data["attributes"]
    path = f"/access_persons/{person}/accesses/{granted.data['id']}"
    schedule = (await rl.get("/schedules?type=access_schedule")).data[0]["id"]
    updated = await rl.put(path, {"attributes": {"access_schedule_id": schedule}})
    assert updated.data["attributes"]["access_schedule_id"] == schedule
    moved = await rl.put(path, {"attributes": {"accessible_type": "location"}})
    assert moved.status == 422
    cleared = await rl.put(path, {"attributes": {"access_schedule_id": None}})
    assert "access_schedule_id" not in cleared.data["attributes"]


async def test_location_access_counts_its_locks_and_shows_on_each_lock(rl: RemoteLock) -> None:
    person = await _guest(rl)
    lock = await rl.first_lock()
    location = lock["attributes"]["location_id"]
    reply = await rl.post(
        f"/access_persons/{person}/accesses",
        {"attributes": {"accessible_id": location, "accessible_type": "location"}},
    )
    assert reply.data["attributes"]["devices_count"] == 50
    assert reply.data["links"]["accessible"] == f"{rl.api_url}/locations/{location}"
    covering = await rl.get(
        f"/devices/{lock['id']}/access_person_accesses?"
        "attributes[access_person_type]=access_guest&per_page=50"
    )
    assert reply.data["id"] in {a["id"] for a in covering.data}
    assert {a["attributes"]["access_person_type"] for a in covering.data} == {"access_guest"}
    users = await rl.get(
        f"/devices/{lock['id']}/access_person_accesses?attributes[access_person_type]=access_user"
    )
    assert users.data
    assert reply.data["id"] not in {a["id"] for a in users.data}


async def test_invalid_grants_are_resource_errors(rl: RemoteLock) -> None:
    person = await _guest(rl)
    lock = await rl.first_lock()
    path = f"/access_persons/{person}/accesses"
    missing = await rl.post(path, {"attributes": {}})
    assert {e["attribute"] for e in missing.body["errors"]} == {"accessible_type", "accessible_id"}
    wrong = await rl.post(
        path, {"attributes": {"accessible_type": "door_group", "accessible_id": lock["id"]}}
    )
    assert wrong.body["errors"][0] == {
        "attribute": "accessible_id",
        "messages": ["does not exist"],
        "full_messages": ["accessible_id does not exist"],
    }
    await rl.post(path, {"attributes": {"accessible_type": "lock", "accessible_id": lock["id"]}})
    twice = await rl.post(
        path, {"attributes": {"accessible_type": "lock", "accessible_id": lock["id"]}}
    )
    assert twice.status == 422
    assert twice.body["errors"][0]["messages"] == ["has already been taken"]


async def test_revoke_and_list_accesses(rl: RemoteLock) -> None:
    person = await _guest(rl)
    lock = await rl.first_lock()
    path = f"/access_persons/{person}/accesses"
    granted = await rl.post(
        path, {"attributes": {"accessible_type": "lock", "accessible_id": lock["id"]}}
    )
    listed = await rl.get(path)
    assert [a["id"] for a in listed.data] == [granted.data["id"]]
    assert (await rl.delete(f"{path}/{granted.data['id']}")).status == 204
    assert (await rl.get(path)).data == []
    assert (await rl.get(f"{path}/{granted.data['id']}")).status == 404
    other = (await rl.get("/access_persons")).data[0]["id"]
    seeded = (await rl.get(f"/access_persons/{other}/accesses")).data[0]["id"]
    assert (await rl.get(f"{path}/{seeded}")).status == 404  # not this person's access
