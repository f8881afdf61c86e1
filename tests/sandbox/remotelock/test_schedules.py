"""Schedules CRUD, and updating/deleting notification subscribers."""

from __future__ import annotations

from tests.sandbox.remotelock.conftest import RemoteLock

WORK = {"start_time": "08:00", "end_time": "12:00"}


async def test_create_access_schedule_fills_missing_days_with_empty_lists(rl: RemoteLock) -> None:
    reply = await rl.post(
        "/schedules",
        {
            "type": "access_schedule",
            "attributes": {
                "name": "Work access schedule",
                "mon": [WORK, {"start_time": "13:00", "end_time": "18:00"}],
                "wed": [WORK],
                "access_exception_id": "61a09a76-39c6-4269-a3d3-acab14bf667e",
            },
        },
    )
    assert reply.status == 201, reply.text
    attrs = reply.data["attributes"]
    assert list(attrs) == [
        "name",
        "mon",
        "tue",
        "wed",
        "thu",
        "fri",
        "sat",
        "sun",
        "created_at",
        "updated_at",
    ]
    assert attrs["tue"] == []
    assert attrs["wed"] == [WORK]
    assert "access_exception_id" not in attrs
    assert reply.data["links"] == {"self": f"{rl.api_url}/schedules/{reply.data['id']}"}


async def test_update_keeps_days_not_sent_and_delete_detaches_accesses(rl: RemoteLock) -> None:
    created = await rl.post(
        "/schedules", {"type": "access_schedule", "attributes": {"name": "Mornings", "mon": [WORK]}}
    )
    ident = created.data["id"]
    renamed = await rl.put(f"/schedules/{ident}", {"attributes": {"name": "New schedule name"}})
    assert renamed.data["attributes"]["name"] == "New schedule name"
    assert renamed.data["attributes"]["mon"] == [WORK]
    cleared = await rl.put(f"/schedules/{ident}", {"attributes": {"mon": []}})
    assert cleared.data["attributes"]["mon"] == []
    guest = await rl.post(
        "/access_persons",
        {
            "type": "access_guest",
            "attributes": {
                "name": "G",
                "generate_pin": True,
                "starts_at": "2030-01-01T00:00:00",
                "ends_at": "2030-01-02T00:00:00",
            },
        },
    )
    lock = await rl.first_lock()
    access = await rl.post(
        f"/access_persons/{guest.data['id']}/accesses",
        {
            "attributes": {
                "accessible_type": "lock",
                "accessible_id": lock["id"],
                "access_schedule_id": ident,
            }
        },
    )
    assert access.data["attributes"]["access_schedule_id"] == ident
    assert (await rl.delete(f"/schedules/{ident}")).status == 204
    assert (await rl.get(f"/schedules/{ident}")).status == 404
    after = await rl.get(f"/access_persons/{guest.data['id']}/accesses/{access.data['id']}")
    assert "access_schedule_id" not in after.data["attributes"]


async def test_schedule_entries_are_validated_per_type(rl: RemoteLock) -> None:
    wrong_shape = await rl.post(
        "/schedules", {"type": "lock_action_schedule", "attributes": {"name": "Bad", "mon": [WORK]}}
    )
    assert wrong_shape.status == 422
    assert wrong_shape.body["errors"][0]["attribute"] == "mon"
    bad_time = await rl.post(
        "/schedules",
        {
            "type": "access_schedule",
            "attributes": {"name": "Bad", "tue": [{"start_time": "25:00", "end_time": "26:00"}]},
        },
    )
    assert bad_time.body["errors"][0]["attribute"] == "tue"
    no_type = await rl.post("/schedules", {"attributes": {"name": "x"}})
    assert no_type.body["errors"][0]["attribute"] == "type"
    thermostat = await rl.post(
        "/schedules",
        {
            "type": "thermostat_schedule",
            "attributes": {"name": "Comfort", "mon": [{"time": "08:00", "cool": 40, "heat": 80}]},
        },
    )
    assert thermostat.status == 201
    listed = await rl.get("/schedules?type=thermostat_schedule")
    assert [s["id"] for s in listed.data] == [thermostat.data["id"]]


async def test_subscriber_update_and_delete(rl: RemoteLock) -> None:
    subscriber = await rl.post(
        "/notification_subscribers",
        {
            "type": "email_notification_subscriber",
            "attributes": {"name": "Rob Goff", "email": "rob@lockstate.com"},
        },
    )
    assert subscriber.status == 201
    assert list(subscriber.data["attributes"]) == [
        "name",
        "email",
        "active",
        "created_at",
        "updated_at",
    ]
    ident = subscriber.data["id"]
    paused = await rl.put(f"/notification_subscribers/{ident}", {"attributes": {"active": False}})
    assert paused.data["attributes"]["active"] is False
    account = (await rl.get("/account")).data["id"]
    subscription = await rl.post(
        "/notification_subscriptions",
        {
            "attributes": {
                "events": [{"event_type": "unlocked"}],
                "publisher_type": "account",
                "publisher_id": account,
                "subscriber_type": "email_notification_subscriber",
                "subscriber_id": ident,
            }
        },
    )
    assert subscription.status == 201
    assert subscription.data["links"]["publisher"] == f"{rl.api_url}/account"
    assert (await rl.delete(f"/notification_subscribers/{ident}")).status == 204
    assert (await rl.get(f"/notification_subscribers/{ident}")).status == 404
    gone = await rl.get(f"/notification_subscriptions/{subscription.data['id']}")
    assert gone.status == 404
    text = await rl.post(
        "/notification_subscribers",
        {"type": "text_notification_subscriber", "attributes": {"name": "SMS"}},
    )
    assert {e["attribute"] for e in text.body["errors"]} == {"phone", "carrier"}
