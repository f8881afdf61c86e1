"""RemoteLock's request/response conventions: versioning, media types, envelopes, errors."""

from __future__ import annotations

import pytest

from tests.sandbox.remotelock.conftest import RemoteLock


@pytest.mark.parametrize(
    "accept",
    [
        "application/vnd.lockstate+json; version=1",
        "application/vnd.lockstate.v1+json",
        "application/vnd.lockstate+json",
        "application/json",
        "*/*",
    ],
)
async def test_version_one_is_accepted_in_every_documented_form(
    rl: RemoteLock, accept: str
) -> None:
    reply = await rl.get("/locations", headers={"Accept": accept})
    assert reply.status == 200
    assert reply.headers["Content-Type"].startswith("application/json")


async def test_missing_accept_header_means_the_latest_version(rl: RemoteLock) -> None:
    async with rl.http.get(
        f"{rl.api_url}/locations",
        headers={"Authorization": f"Bearer {rl.token}"},
        skip_auto_headers=["Accept"],
    ) as response:
        assert response.status == 200


async def test_v1_url_prefix_works_and_links_keep_it(rl: RemoteLock) -> None:
    reply = await rl.get("/v1/locations", headers={"Accept": "application/json"})
    assert reply.status == 200
    assert reply.data[0]["links"]["self"].startswith(f"{rl.api_url}/v1/locations/")


@pytest.mark.parametrize(
    ("accept", "message"),
    [
        ("application/vnd.lockstate+json; version=2", "API version 2 is not supported"),
        ("application/vnd.lockstate.v3+json", "API version 3 is not supported"),
        ("text/html", "Not acceptable"),
    ],
)
async def test_unknown_version_or_media_type_gets_406(
    rl: RemoteLock, accept: str, message: str
) -> None:
    reply = await rl.get("/locations", headers={"Accept": accept})
    assert reply.status == 406
    assert reply.body["type"] == "not_acceptable"
    assert reply.body["message"].startswith(message)


async def test_single_resource_envelope_and_links_use_the_request_host(rl: RemoteLock) -> None:
    listing = await rl.get("/locations")
    ident = listing.data[0]["id"]
    reply = await rl.get(f"/locations/{ident}")
    assert set(reply.body) == {"data"}
    resource = reply.data
    assert list(resource) == ["type", "attributes", "id", "links"]
    assert resource["links"] == {"self": f"{rl.api_url}/locations/{ident}"}
    assert list(resource["attributes"]) == [
        "name",
        "phone",
        "address",
        "address2",
        "city",
        "state",
        "postal_code",
        "country",
        "time_zone",
        "created_at",
        "updated_at",
    ]
    assert resource["attributes"]["created_at"].endswith("Z")


async def test_lock_attributes_and_relationship_links_match_the_reference(
    rl: RemoteLock,
) -> None:
    lock = (await rl.get("/devices?type=lock&per_page=1")).data[0]
    attrs = lock["attributes"]
    for key in (
        "name",
        "heartbeat_interval",
        "wifi_level",
        "signal_quality",
        "connected",
        "alive",
        "power_source",
        "connected_at",
        "serial_number",
        "wake_wifi",
        "muted",
        "auto_lock",
        "auto_lock_timeout",
        "programming_code",
        "state",
        "power_level",
        "created_at",
        "updated_at",
        "default_guest_start_time",
        "default_guest_end_time",
        "local_pins",
        "model_id",
        "location_id",
    ):
        assert key in attrs, key
    assert "lock_action_schedule_id" not in attrs  # optional relationship ids are omitted
    assert set(lock["links"]) == {"self", "model", "location"}
    model = await rl.get(lock["links"]["model"].removeprefix(rl.api_url))
    assert model.data["attributes"]["type"] == "lock"


async def test_non_replaceable_models_carry_restricted_replace(rl: RemoteLock) -> None:
    locks = (await rl.get("/devices?per_page=50")).data
    models = {m["id"]: m for m in (await rl.get("/models?per_page=50")).data}
    for lock in locks:
        replaceable = models[lock["attributes"]["model_id"]]["attributes"]["capabilities"][
            "replaceable"
        ]
        assert ("meta" in lock) is (not replaceable)
        if not replaceable:
            assert lock["meta"] == {"restricted_actions": ["replace"]}


async def test_unknown_route_is_404_in_the_general_error_shape(rl: RemoteLock) -> None:
    reply = await rl.get("/no_such_thing")
    assert reply.status == 404
    assert set(reply.body) == {"message", "type"}
    assert reply.body["type"] == "not_found"


async def test_unknown_id_is_404(rl: RemoteLock) -> None:
    reply = await rl.get("/devices/00000000-0000-4000-8000-000000000000")
    assert reply.status == 404
    assert reply.body == {"message": "Device not found", "type": "not_found"}
    assert reply.headers["X-RateLimit-Limit"] == "120"


async def test_wrong_method_is_405_with_allow_header(rl: RemoteLock) -> None:
    reply = await rl.request("PATCH", "/locations")
    assert reply.status == 405
    assert reply.body["type"] == "method_not_allowed"
    assert set(reply.headers["Allow"].split(", ")) == {"GET", "POST"}


async def test_malformed_json_is_400(rl: RemoteLock) -> None:
    reply = await rl.post(
        "/locations", None, data="{not json", headers={"Content-Type": "application/json"}
    )
    assert reply.status == 400
    assert reply.body["type"] == "bad_request"


async def test_body_must_be_json_with_a_json_content_type(rl: RemoteLock) -> None:
    reply = await rl.post(
        "/locations",
        None,
        data="name=x",
        headers={"Content-Type": "application/x-www-form-urlencoded"},
    )
    assert reply.status == 415
    assert reply.body["type"] == "unsupported_media_type"


async def test_non_object_attributes_are_400(rl: RemoteLock) -> None:
    reply = await rl.post("/locations", {"attributes": ["x"]})
    assert reply.status == 400
    reply = await rl.post("/locations", [1, 2])
    assert reply.status == 400


async def test_resource_errors_echo_attributes_with_422(rl: RemoteLock) -> None:
    reply = await rl.post("/locations", {"attributes": {"name": "", "time_zone": "Mars/Base"}})
    assert reply.status == 422
    assert reply.body["attributes"] == {"name": "", "time_zone": "Mars/Base"}
    errors = {e["attribute"]: e for e in reply.body["errors"]}
    assert errors["name"] == {
        "attribute": "name",
        "messages": ["can't be blank"],
        "full_messages": ["name can't be blank"],
    }
    assert errors["time_zone"]["messages"] == ["is not included in the list"]


async def test_location_crud_round_trip(rl: RemoteLock) -> None:
    created = await rl.post(
        "/locations",
        {
            "attributes": {
                "name": "LockState HQ",
                "phone": "(877) 254-5625",
                "address": "1325 S. Colorado Blvd",
                "address2": "Suite B400",
                "city": "Denver",
                "state": "CO",
                "postal_code": "80222",
                "country": "US",
                "time_zone": "America/Denver",
            }
        },
    )
    assert created.status == 201
    ident = created.data["id"]
    assert created.data["attributes"]["address2"] == "Suite B400"
    renamed = await rl.put(
        f"/locations/{ident}", {"attributes": {"name": "HQ", "address_2": "Suite C"}}
    )
    assert renamed.status == 200
    assert renamed.data["attributes"]["name"] == "HQ"
    assert renamed.data["attributes"]["address2"] == "Suite C"
    assert renamed.data["attributes"]["city"] == "Denver"
    names = [r["attributes"]["name"] for r in (await rl.get("/locations")).data]
    assert "HQ" in names
    deleted = await rl.delete(f"/locations/{ident}")
    assert deleted.status == 204
    assert deleted.text == ""
    assert (await rl.get(f"/locations/{ident}")).status == 404


async def test_location_with_devices_cannot_be_deleted(rl: RemoteLock) -> None:
    lock = await rl.first_lock()
    reply = await rl.delete(f"/locations/{lock['attributes']['location_id']}")
    assert reply.status == 422
    assert reply.body["errors"][0]["attribute"] is None


async def test_account_and_user_read_and_update(rl: RemoteLock) -> None:
    account = await rl.get("/account")
    assert account.data["links"]["self"] == f"{rl.api_url}/account"
    updated = await rl.put(
        "/account",
        {"attributes": {"default_guest_start_time": "15:30", "default_guest_end_time": "02:15:00"}},
    )
    assert updated.data["attributes"]["default_guest_start_time"] == "15:30:00"
    assert updated.data["attributes"]["default_guest_end_time"] == "02:15:00"
    bad = await rl.put("/account", {"attributes": {"default_guest_start_time": "25:00"}})
    assert bad.status == 422
