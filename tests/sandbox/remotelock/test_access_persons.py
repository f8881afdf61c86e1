"""Access persons: users and guests, PINs, validation, deactivation vs deletion, status filter."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from tests.conftest import RunningSandbox
from tests.sandbox.remotelock.conftest import RemoteLock


def _naive(delta: timedelta, zone: str = "UTC") -> str:
    return (datetime.now(UTC) + delta).astimezone(ZoneInfo(zone)).strftime("%Y-%m-%dT%H:%M:%S")


async def _user(rl: RemoteLock, **attributes: object) -> dict[str, Any]:
    body = {"type": "access_user", "attributes": {"name": "Ann Smith", **attributes}}
    reply = await rl.post("/access_persons", body)
    assert reply.status == 201, reply.text
    return dict(reply.data)


async def test_create_access_user_with_pin(rl: RemoteLock) -> None:
    person = await _user(
        rl,
        email="ann.smith@example.com",
        department="Human Resources",
        pin="1234",
        card_number="23456",
    )
    assert person["type"] == "access_user"
    assert list(person["attributes"]) == [
        "name",
        "email",
        "phone",
        "pin",
        "card_number",
        "department",
        "status",
        "rental_source",
        "created_at",
        "updated_at",
    ]
    attrs = person["attributes"]
    assert attrs["pin"] == "1234"
    assert attrs["status"] == "current"
    assert attrs["phone"] is None
    assert attrs["rental_source"] is None
    assert person["links"] == {"self": f"{rl.api_url}/access_persons/{person['id']}"}
    assert "meta" not in person
    fetched = await rl.get(f"/access_persons/{person['id']}")
    assert fetched.data == person


async def test_create_guest_with_generated_pin(rl: RemoteLock) -> None:
    reply = await rl.post(
        "/access_persons",
        {
            "type": "access_guest",
            "attributes": {
                "name": "Guest",
                "generate_pin": True,
                "starts_at": "2030-01-02T16:04:00",
                "ends_at": "2031-01-02T16:04:00",
            },
        },
    )
    assert reply.status == 201
    attrs = reply.data["attributes"]
    assert attrs["pin"].isdigit()
    assert len(attrs["pin"]) == 6
    assert attrs["status"] == "upcoming"
    assert attrs["starts_at"] == "2030-01-02T16:04:00"
    assert attrs["ends_at"] == "2031-01-02T16:04:00"
    assert attrs["department"] is None


async def test_guest_window_drives_status(rl: RemoteLock, sandbox: RunningSandbox) -> None:
    # A guest's zone-less times are the wall clock of the account's location.
    zone = (await rl.get("/locations")).data[0]["attributes"]["time_zone"]
    assert zone != "UTC"
    reply = await rl.post(
        "/access_persons",
        {
            "type": "access_guest",
            "attributes": {
                "name": "Soon",
                "pin": "44556677",
                "starts_at": _naive(timedelta(minutes=10), zone),
                "ends_at": _naive(timedelta(minutes=30), zone),
            },
        },
    )
    ident = reply.data["id"]
    assert reply.data["attributes"]["status"] == "upcoming"
    await sandbox.control("POST", "/clock/advance", json={"seconds": 15 * 60})
    assert (await rl.get(f"/access_persons/{ident}")).data["attributes"]["status"] == "current"
    await sandbox.control("POST", "/clock/advance", json={"seconds": 20 * 60})
    expired = (await rl.get(f"/access_persons/{ident}")).data
    assert expired["attributes"]["status"] == "expired"
    assert expired["meta"] == {"restricted_actions": ["update"]}


async def test_credential_is_required_on_create(rl: RemoteLock) -> None:
    reply = await rl.post(
        "/access_persons", {"type": "access_user", "attributes": {"name": "No Pin"}}
    )
    assert reply.status == 422
    assert reply.body["attributes"] == {"name": "No Pin"}
    assert reply.body["errors"][0]["attribute"] is None


async def test_guest_validation_errors(rl: RemoteLock) -> None:
    missing = await rl.post(
        "/access_persons", {"type": "access_guest", "attributes": {"name": "G", "pin": "9911"}}
    )
    assert missing.status == 422
    assert {e["attribute"] for e in missing.body["errors"]} == {"starts_at", "ends_at"}
    backwards = await rl.post(
        "/access_persons",
        {
            "type": "access_guest",
            "attributes": {
                "name": "G",
                "pin": "9911",
                "starts_at": "2030-01-05T00:00:00",
                "ends_at": "2030-01-01T00:00:00",
            },
        },
    )
    assert backwards.body["errors"] == [
        {
            "attribute": "ends_at",
            "messages": ["must be after starts_at"],
            "full_messages": ["ends_at must be after starts_at"],
        }
    ]
    garbage = await rl.post(
        "/access_persons",
        {
            "type": "access_guest",
            "attributes": {
                "name": "G",
                "pin": "9911",
                "starts_at": "tomorrow",
                "ends_at": "2030-01-01T00:00:00",
            },
        },
    )
    assert garbage.body["errors"][0]["attribute"] == "starts_at"


async def test_type_and_pin_format_are_validated(rl: RemoteLock) -> None:
    no_type = await rl.post("/access_persons", {"attributes": {"name": "X", "pin": "1234"}})
    assert no_type.status == 422
    assert no_type.body["errors"][0]["attribute"] == "type"
    short = await rl.post(
        "/access_persons", {"type": "access_user", "attributes": {"name": "X", "pin": "12"}}
    )
    assert short.body["errors"][0]["attribute"] == "pin"
    bad_email = await rl.post(
        "/access_persons",
        {
            "type": "access_user",
            "attributes": {"name": "X", "pin": "123987", "email": "not-an-email"},
        },
    )
    assert bad_email.body["errors"][0]["attribute"] == "email"


async def test_pins_are_unique_in_the_account(rl: RemoteLock) -> None:
    await _user(rl, pin="80808080")
    clash = await rl.post(
        "/access_persons", {"type": "access_user", "attributes": {"name": "B", "pin": "80808080"}}
    )
    assert clash.status == 422
    assert clash.body["errors"][0]["messages"] == ["has already been taken"]


async def test_update_guest_drops_the_zone_and_keeps_other_fields(rl: RemoteLock) -> None:
    reply = await rl.post(
        "/access_persons",
        {
            "type": "access_guest",
            "attributes": {
                "name": "Cleaner",
                "pin": "31415926",
                "email": "c@example.com",
                "starts_at": "2030-09-11T00:00:00",
                "ends_at": "2030-09-20T00:00:00",
            },
        },
    )
    ident = reply.data["id"]
    updated = await rl.put(
        f"/access_persons/{ident}",
        {"attributes": {"name": "Cleaning Crew", "ends_at": "2030-09-21T00:00:00Z"}},
    )
    assert updated.status == 200
    attrs = updated.data["attributes"]
    assert attrs["name"] == "Cleaning Crew"
    assert attrs["ends_at"] == "2030-09-21T00:00:00"
    assert attrs["email"] == "c@example.com"
    assert attrs["pin"] == "31415926"


async def test_deactivate_keeps_the_person_but_restricts_updates(rl: RemoteLock) -> None:
    person = await _user(rl, pin="5551212")
    ident = person["id"]
    deactivated = await rl.put(f"/access_persons/{ident}/deactivate")
    assert deactivated.status == 200
    assert deactivated.data["attributes"]["status"] == "deactivated"
    assert deactivated.data["meta"] == {"restricted_actions": ["update"]}
    refused = await rl.put(f"/access_persons/{ident}", {"attributes": {"name": "New"}})
    assert refused.status == 422
    assert (await rl.get(f"/access_persons/{ident}")).status == 200


async def test_delete_removes_the_person_for_good(rl: RemoteLock) -> None:
    person = await _user(rl, pin="7771212")
    reply = await rl.delete(f"/access_persons/{person['id']}")
    assert reply.status == 204
    assert (await rl.get(f"/access_persons/{person['id']}")).status == 404
    listed = await rl.get(
        f"/access_persons?id[]={person['id']}&attributes[status][]=current"
        "&attributes[status][]=deactivated"
    )
    assert listed.data == []


async def test_status_filter_defaults_to_current_and_upcoming(rl: RemoteLock) -> None:
    person = await _user(rl, pin="6061616")
    await rl.put(f"/access_persons/{person['id']}/deactivate")
    default = await rl.get("/access_persons?per_page=50&page=1")
    total_default = default.body["meta"]["total_count"]
    statuses: set[str] = set()
    for page in range(1, default.body["meta"]["total_pages"] + 1):
        reply = await rl.get(f"/access_persons?per_page=50&page={page}")
        statuses |= {p["attributes"]["status"] for p in reply.data}
        assert person["id"] not in {p["id"] for p in reply.data}
    assert statuses == {"current", "upcoming"}
    gone = await rl.get(
        "/access_persons?attributes[status][]=deactivated&attributes[status][]=expired&per_page=50"
    )
    assert {p["attributes"]["status"] for p in gone.data} == {"deactivated", "expired"}
    assert person["id"] in {p["id"] for p in gone.data}
    everyone = await rl.get(
        "/access_persons?attributes[status][]=current&attributes[status][]="
        "upcoming&attributes[status][]=deactivated&attributes[status][]="
        "expired"
    )
    assert everyone.body["meta"]["total_count"] == total_default + gone.body["meta"]["total_count"]
    single = await rl.get("/access_persons?attributes[status]=upcoming")
    assert {p["attributes"]["status"] for p in single.data} == {"upcoming"}
    bad = await rl.get("/access_persons?attributes[status]=sleeping")
    assert bad.status == 400


async def test_email_notify_answers_200_without_a_body(
    rl: RemoteLock, sandbox: RunningSandbox
) -> None:
    person = await _user(rl, pin="2718281", email="e@example.com")
    reply = await rl.post(
        f"/access_persons/{person['id']}/email/notify", {"attributes": {"days_before": 1}}
    )
    assert reply.status == 200
    assert reply.text == ""
    state = await sandbox.control("GET", "/vendors/remotelock")
    assert state["emails_sent"][-1]["access_person_id"] == person["id"]
    no_email = await _user(rl, pin="2718282")
    refused = await rl.post(f"/access_persons/{no_email['id']}/email/notify")
    assert refused.status == 422
