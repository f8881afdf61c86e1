"""Keychains of all three kinds, their validation, and virtual keys."""

from __future__ import annotations

from typing import Any

from tests.sandbox.butterflymx.conftest import Bmx

NIL_COMPARISON = (
    "Error occurred validating ends_at for :after restriction:\ncomparison of "
    "ActiveSupport::TimeWithZone with nil failed"
)


async def _own_unit(bmx: Bmx, token: str) -> int:
    me = await bmx.call("GET", "/v3/me", token, params={"include": "tenants"})
    return int(me.body["included"][0]["attributes"]["unit_id"])


def _body(attributes: dict[str, Any], unit_id: int) -> dict[str, Any]:
    # The reference's request: singular `unit` type and a numeric id.
    return {
        "data": {
            "type": "keychains",
            "attributes": attributes,
            "relationships": {"unit": {"data": {"type": "unit", "id": unit_id}}},
        }
    }


async def test_custom_keychain_splits_recipients_into_virtual_keys(
    bmx: Bmx, resident_token: str
) -> None:
    unit_id = await _own_unit(bmx, resident_token)
    reply = await bmx.call(
        "POST",
        "/v3/me/keychains/custom",
        resident_token,
        json=_body(
            {
                "name": "Custom Key",
                "starts_at": "2026-09-12T12:41:53+02:00",
                "ends_at": "2026-09-14T12:41:48+02:00",
                "recipients": ["test@example.com", "+12345678901"],
            },
            unit_id,
        ),
    )
    assert reply.status == 201
    data = reply.body["data"]
    assert data["attributes"] == {
        "name": "Custom Key",
        "weekdays": None,
        "starts_at": "2026-09-12T10:41:53Z",
        "ends_at": "2026-09-14T10:41:48Z",
        "time_from": None,
        "time_to": None,
        "kind": "custom",
    }
    keys = reply.body["included"]
    assert [(k["attributes"]["email"], k["attributes"]["sms_number"]) for k in keys] == [
        ("test@example.com", None),
        (None, "+12345678901"),
    ]
    assert all(k["attributes"]["name"] == "Custom Key" for k in keys)
    assert [k["id"] for k in keys] == [
        r["id"] for r in data["relationships"]["virtual_keys"]["data"]
    ]
    listed = await bmx.call(
        "GET",
        "/v3/me/keychains",
        resident_token,
        params={"include": "virtual_keys", "filter[unit]": str(unit_id)},
    )
    assert data["id"] in {k["id"] for k in listed.body["data"]}
    assert {k["id"] for k in keys} <= {k["id"] for k in listed.body["included"]}


async def test_custom_keychain_with_blank_start_gives_the_documented_three_errors(
    bmx: Bmx, resident_token: str
) -> None:
    unit_id = await _own_unit(bmx, resident_token)
    reply = await bmx.call(
        "POST",
        "/v3/me/keychains/custom",
        resident_token,
        json=_body(
            {"name": "Custom Key", "starts_at": "", "ends_at": "2026-09-14T12:41:49+02:00"}, unit_id
        ),
    )
    assert reply.status == 400
    assert reply.body == {
        "errors": [
            {"source": {"pointer": "/data/attributes/starts_at"}, "detail": "can't be blank"},
            {
                "source": {"pointer": "/data/attributes/starts_at"},
                "detail": "is not a valid datetime",
            },
            {"source": {"pointer": "/data/attributes/ends_at"}, "detail": NIL_COMPARISON},
        ]
    }
    garbage = await bmx.call(
        "POST",
        "/v3/me/keychains/custom",
        resident_token,
        json=_body(
            {"name": "k", "starts_at": "yesterday", "ends_at": "2026-09-14T12:41:49Z"}, unit_id
        ),
    )
    assert ("/data/attributes/starts_at", "is not a valid datetime") in [
        (e["source"]["pointer"], e["detail"]) for e in garbage.body["errors"]
    ]
    backwards = await bmx.call(
        "POST",
        "/v3/me/keychains/custom",
        resident_token,
        json=_body(
            {"name": "k", "starts_at": "2026-09-14T12:00:00Z", "ends_at": "2026-09-13T12:00:00Z"},
            unit_id,
        ),
    )
    assert backwards.status == 400
    assert backwards.body["errors"][0]["source"]["pointer"] == "/data/attributes/ends_at"
    bad_recipient = await bmx.call(
        "POST",
        "/v3/me/keychains/custom",
        resident_token,
        json=_body(
            {
                "name": "k",
                "starts_at": "2026-09-12T12:00:00Z",
                "ends_at": "2026-09-13T12:00:00Z",
                "recipients": ["not-a-contact"],
            },
            unit_id,
        ),
    )
    assert bad_recipient.body["errors"] == [
        {"source": {"pointer": "/data/attributes/recipients"}, "detail": "not-a-contact is invalid"}
    ]


async def test_recurring_keychain_combines_dates_and_times_in_utc(
    bmx: Bmx, resident_token: str
) -> None:
    unit_id = await _own_unit(bmx, resident_token)
    reply = await bmx.call(
        "POST",
        "/v3/me/keychains/recurring",
        resident_token,
        json=_body(
            {
                "name": "Recurring Key",
                "start_date": "2026-09-12",
                "end_date": "2026-09-14",
                "time_from": "11:20",
                "time_to": "11:50",
                "weekdays": ["wed", "sat"],
                "recipients": ["test@example.com"],
            },
            unit_id,
        ),
    )
    assert reply.status == 201
    assert reply.body["data"]["attributes"] == {
        "name": "Recurring Key",
        "weekdays": ["wed", "sat"],
        "starts_at": "2026-09-12T11:20:00Z",
        "ends_at": "2026-09-14T11:50:00Z",
        "time_from": "11:20",
        "time_to": "11:50",
        "kind": "recurring",
    }
    blank_name = await bmx.call(
        "POST",
        "/v3/me/keychains/recurring",
        resident_token,
        json=_body(
            {
                "name": "",
                "start_date": "2026-09-12",
                "end_date": "2026-09-14",
                "time_from": "11:20",
                "time_to": "11:50",
                "weekdays": ["wed"],
            },
            unit_id,
        ),
    )
    assert blank_name.body == {
        "errors": [{"source": {"pointer": "/data/attributes/name"}, "detail": "can't be blank"}]
    }
    bad = await bmx.call(
        "POST",
        "/v3/me/keychains/recurring",
        resident_token,
        json=_body(
            {
                "name": "x",
                "start_date": "2026-02-30",
                "end_date": "2026-09-14",
                "time_from": "25:00",
                "time_to": "11:50",
                "weekdays": ["someday"],
            },
            unit_id,
        ),
    )
    pointers = {e["source"]["pointer"] for e in bad.body["errors"]}
    assert pointers == {
        "/data/attributes/weekdays",
        "/data/attributes/start_date",
        "/data/attributes/time_from",
    }


async def test_one_time_keychain_and_tenant_association(bmx: Bmx, resident_token: str) -> None:
    me = await bmx.call("GET", "/v3/me", resident_token)
    tenant_id = me.body["data"]["relationships"]["tenants"]["data"][0]["id"]
    reply = await bmx.call(
        "POST",
        "/v3/me/keychains/one_time",
        resident_token,
        json={
            "data": {
                "type": "keychains",
                "attributes": {
                    "name": "Delivery pass",
                    "starts_at": "2026-09-12T09:00:00Z",
                    "ends_at": "2026-09-12T18:00:00Z",
                    "recipients": ["courier@example.com"],
                },
                "relationships": {"tenant": {"data": {"type": "tenants", "id": tenant_id}}},
            }
        },
    )
    assert reply.status == 201
    assert reply.body["data"]["attributes"]["kind"] == "one_time"
    key = reply.body["included"][0]["attributes"]
    assert key["used_at"] is None
    assert key["one_time_key_used_at"] is None
    mine = await bmx.call(
        "GET", "/v3/me/keychains", resident_token, params={"filter[tenant]": tenant_id}
    )
    assert reply.body["data"]["id"] in {k["id"] for k in mine.body["data"]}
    invalid = await bmx.call(
        "POST",
        "/v3/me/keychains/one_time",
        resident_token,
        json={
            "data": {
                "type": "keychains",
                "attributes": {
                    "name": "x",
                    "starts_at": "2026-09-12T09:00:00Z",
                    "ends_at": "2026-09-12T08:00:00Z",
                },
                "relationships": {"tenant": {"data": {"type": "tenants", "id": tenant_id}}},
            }
        },
    )
    assert invalid.status == 400


async def test_virtual_keys_create_validate_and_delete(bmx: Bmx, resident_token: str) -> None:
    unit_id = await _own_unit(bmx, resident_token)
    created = await bmx.call(
        "POST",
        "/v3/me/keychains/custom",
        resident_token,
        json=_body(
            {
                "name": "Guest",
                "starts_at": "2026-09-12T09:00:00Z",
                "ends_at": "2026-09-13T09:00:00Z",
            },
            unit_id,
        ),
    )
    keychain_id = created.body["data"]["id"]
    assert created.body["included"] == []
    key = await bmx.call(
        "POST",
        f"/v3/me/keychains/{keychain_id}/virtual_keys",
        resident_token,
        json={
            "data": {
                "type": "virtual_keys",
                "relationships": None,
                "attributes": {"name": "Virtual Key", "email": "test@example.com"},
            }
        },
    )
    assert key.status == 201
    assert key.body["data"]["attributes"]["sms_number"] is None
    assert key.body["data"]["attributes"]["qr_code_image_url"].endswith(".png")
    bad_sms = await bmx.call(
        "POST",
        f"/v3/me/keychains/{keychain_id}/virtual_keys",
        resident_token,
        json={
            "data": {
                "type": "virtual_keys",
                "attributes": {"name": "Virtual Key", "sms_number": "DOES_NOT_EXIST"},
            }
        },
    )
    assert bad_sms.body == {
        "errors": [
            {
                "source": {"pointer": "/data/attributes/sms_number"},
                "detail": "DOES_NOT_EXIST is invalid",
            }
        ]
    }
    missing = await bmx.call(
        "POST",
        "/v3/me/keychains/DOES_NOT_EXIST/virtual_keys",
        resident_token,
        json={"data": {"attributes": {"email": "a@b.co"}}},
    )
    assert missing.status == 404
    assert missing.body["errors"][0]["detail"].startswith(
        "Couldn't find Keychain with 'id'=DOES_NOT_EXIST [WHERE `keychains`.`deleted_at` IS NULL"
    )
    shown = await bmx.call("GET", f"/v3/me/keychains/{keychain_id}", resident_token)
    assert shown.body["data"]["relationships"]["virtual_keys"]["data"] == [
        {"id": key.body["data"]["id"], "type": "virtual_keys"}
    ]
    path = f"/v3/me/keychains/{keychain_id}/virtual_keys/{key.body['data']['id']}"
    assert (await bmx.call("DELETE", path, resident_token)).status == 204
    assert (await bmx.call("DELETE", path, resident_token)).status == 404
    assert (
        await bmx.call("DELETE", f"/v3/me/keychains/{keychain_id}", resident_token)
    ).status == 204
    assert (await bmx.call("GET", f"/v3/me/keychains/{keychain_id}", resident_token)).status == 404
