"""v3 resources: buildings, units, tenants, /me, pins, devices, notifications, scoping."""

from __future__ import annotations

from typing import Any

from tests.sandbox.butterflymx.conftest import Bmx


async def _first_building(bmx: Bmx, token: str) -> dict[str, Any]:
    reply = await bmx.call("GET", "/v3/buildings", token)
    building: dict[str, Any] = reply.body["data"][0]
    return building


async def test_buildings_list_includes_panels_and_show_does_not(
    bmx: Bmx, manager_token: str
) -> None:
    reply = await bmx.call("GET", "/v3/buildings", manager_token)
    assert len(reply.body["data"]) == 3
    building = reply.body["data"][0]
    assert set(building["attributes"]) >= {
        "name",
        "display_name_strategy",
        "door_release_pin",
        "time_zone",
        "time_zone_offset",
        "address_2",
    }
    assert building["attributes"]["door_release_pin"] is False
    panel_ids = {p["id"] for b in reply.body["data"] for p in b["relationships"]["panels"]["data"]}
    assert {p["id"] for p in reply.body["included"]} == panel_ids
    assert all(p["type"] == "panels" for p in reply.body["included"])
    show = await bmx.call("GET", f"/v3/buildings/{building['id']}", manager_token)
    assert "included" not in show.body
    assert show.body["data"] == building
    missing = await bmx.call("GET", "/v3/buildings/DOES_NOT_EXIST", manager_token)
    assert missing.status == 404
    assert missing.body["errors"] == [
        {
            "title": "Record not found",
            "detail": (
                "Couldn't find Building with 'id'=DOES_NOT_EXIST "
                "[WHERE `buildings`.`deleted_at` IS NULL]"
            ),
        }
    ]


async def test_building_patch_cases_from_the_reference(bmx: Bmx, manager_token: str) -> None:
    building = await _first_building(bmx, manager_token)
    path = f"/v3/buildings/{building['id']}"
    full = await bmx.call(
        "PATCH",
        path,
        manager_token,
        json={
            "data": {
                "type": "buildings",
                "id": building["id"],
                "attributes": {
                    "name": "My Building",
                    "building_type": "commercial_office",
                    "display_name_strategy": "first_name_and_last_name",
                    "qr_key_enabled": False,
                    "send_panel_status_report": True,
                    "time_zone": "Eastern Time (US & Canada)",
                },
            }
        },
    )
    assert full.status == 200
    attributes = full.body["data"]["attributes"]
    assert attributes["name"] == "My Building"
    assert attributes["time_zone_offset"] in ("-05:00", "-04:00")
    blank = await bmx.call(
        "PATCH",
        path,
        manager_token,
        json={"data": {"type": "buildings", "attributes": {"address_1": ""}}},
    )
    assert blank.status == 400
    assert blank.body == {
        "errors": [
            {
                "source": {"pointer": "/data/attributes/address.address_1"},
                "detail": "can't be blank",
            }
        ]
    }
    logo = await bmx.call(
        "PATCH", path, manager_token, json={"data": {"attributes": {"remove_panel_logo": True}}}
    )
    assert logo.body["data"]["attributes"]["panel_logo_picture"] == {
        "thumb_url": None,
        "medium_url": None,
    }
    listed = await bmx.call("GET", "/v3/buildings", manager_token)
    assert any(b["attributes"]["name"] == "My Building" for b in listed.body["data"])


async def test_unit_create_update_delete_lifecycle(bmx: Bmx, manager_token: str) -> None:
    building = await _first_building(bmx, manager_token)
    created = await bmx.call(
        "POST",
        f"/v3/buildings/{building['id']}/units",
        manager_token,
        json={
            "data": {
                "type": "units",
                "relationships": None,
                "attributes": {"unit_type": "apartment", "label": "PH1", "floor_number": 11},
            }
        },
    )
    assert created.status == 200  # the reference's odd 200 on create
    unit = created.body["data"]
    assert unit["relationships"]["building"]["data"] == {"id": building["id"], "type": "buildings"}
    listed = await bmx.call("GET", "/v3/units", manager_token, params={"filter[label]": "PH1"})
    assert [u["id"] for u in listed.body["data"]] == [unit["id"]]
    invalid = await bmx.call(
        "POST",
        f"/v3/buildings/{building['id']}/units",
        manager_token,
        json={"data": {"type": "units", "attributes": {"unit_type": "apartment"}}},
    )
    assert invalid.status == 400
    assert [(e["source"]["pointer"], e["detail"]) for e in invalid.body["errors"]] == [
        ("/data/attributes/label", "can't be blank"),
        ("/data/attributes/floor_number", "can't be blank"),
        ("/data/attributes/floor_number", "is not a number"),
    ]
    nowhere = await bmx.call(
        "POST",
        "/v3/buildings/DOES_NOT_EXIST/units",
        manager_token,
        json={"data": {"attributes": {"label": "x", "floor_number": 1}}},
    )
    assert nowhere.status == 404
    moved = await bmx.call(
        "PUT",
        f"/v3/units/{unit['id']}",
        manager_token,
        json={"data": {"type": "units", "attributes": {"label": "New Label", "floor_number": 12}}},
    )
    assert moved.body["data"]["attributes"]["label"] == "New Label"
    blank = await bmx.call(
        "PUT",
        f"/v3/units/{unit['id']}",
        manager_token,
        json={"data": {"type": "units", "attributes": {"label": ""}}},
    )
    assert blank.status == 400
    assert (await bmx.call("DELETE", f"/v3/units/{unit['id']}", manager_token)).status == 204
    gone = await bmx.call("GET", f"/v3/units/{unit['id']}", manager_token)
    assert gone.status == 404
    assert "Couldn't find Unit with 'id'=" in gone.body["errors"][0]["detail"]


async def test_tenants_are_units_users_with_users_always_included(
    bmx: Bmx, manager_token: str
) -> None:
    reply = await bmx.call("GET", "/v3/tenants", manager_token)
    assert {t["type"] for t in reply.body["data"]} == {"units_users"}
    user_ids = {t["relationships"]["user"]["data"]["id"] for t in reply.body["data"]}
    assert {u["id"] for u in reply.body["included"]} == user_ids
    dnd = await bmx.call(
        "GET",
        "/v3/tenants",
        manager_token,
        params={"filter[pin_enabled]": "true", "page[size]": "100"},
    )
    assert dnd.body["data"]
    assert all(t["attributes"]["pin_enabled"] for t in dnd.body["data"])


async def test_tenant_create_update_delete(bmx: Bmx, manager_token: str) -> None:
    units = await bmx.call("GET", "/v3/units", manager_token)
    unit_id = int(units.body["data"][0]["id"])
    created = await bmx.call(
        "POST",
        "/v3/tenants",
        manager_token,
        json={
            "data": {
                "type": "tenants",
                "relationships": None,
                "attributes": {
                    "unit_id": unit_id,
                    "email": "dorthy.moore@example.com",
                    "first_name": "Dorthy",
                    "last_name": "Moore",
                    "active_at": "2026-01-12T10:42:01Z",
                },
            }
        },
    )
    assert created.status == 201
    tenancy = created.body["data"]
    assert tenancy["type"] == "units_users"
    assert tenancy["attributes"]["active_at"] == "2026-01-12T10:42:01Z"
    blank = await bmx.call(
        "POST",
        "/v3/tenants",
        manager_token,
        json={
            "data": {
                "type": "tenants",
                "attributes": {
                    "unit_id": unit_id,
                    "email": "",
                    "first_name": "",
                    "last_name": "User",
                },
            }
        },
    )
    assert blank.status == 400
    assert [(e["source"]["pointer"], e["detail"]) for e in blank.body["errors"]] == [
        ("/data/attributes/user", "must exist"),
        ("/data/attributes/user", "can't be blank"),
    ]
    patched = await bmx.call(
        "PATCH",
        f"/v3/tenants/{tenancy['id']}",
        manager_token,
        json={
            "data": {"type": "tenants", "id": tenancy["id"], "attributes": {"do_not_disturb": True}}
        },
    )
    assert patched.body["data"]["attributes"]["do_not_disturb"] is True
    bad = await bmx.call(
        "PATCH",
        f"/v3/tenants/{tenancy['id']}",
        manager_token,
        json={"data": {"type": "tenants", "attributes": {"display_name_strategy": ""}}},
    )
    assert bad.body["errors"][0]["source"]["pointer"] == (
        "/data/attributes/user_panel_config.display_name_strategy"
    )
    assert (await bmx.call("DELETE", f"/v3/tenants/{tenancy['id']}", manager_token)).status == 204
    assert (await bmx.call("GET", f"/v3/tenants/{tenancy['id']}", manager_token)).status == 404


async def test_me_with_nested_includes_and_update(bmx: Bmx, resident_token: str) -> None:
    plain = await bmx.call("GET", "/v3/me", resident_token)
    me = plain.body["data"]
    assert me["type"] == "users"
    assert me["attributes"]["sip_username"] == me["id"]
    assert me["relationships"]["tenants"]["data"][0]["type"] == "tenants"
    full = await bmx.call(
        "GET",
        "/v3/me",
        resident_token,
        params={"include": "buildings,tenants,tenants.unit,tenants.panels"},
    )
    kinds = {r["type"] for r in full.body["included"]}
    assert kinds == {"buildings", "tenants", "units", "panels"}
    building = next(r for r in full.body["included"] if r["type"] == "buildings")
    assert "time_zone_offset" not in building["attributes"]  # the reduced serializer
    tenant = next(r for r in full.body["included"] if r["type"] == "tenants")
    assert set(tenant["attributes"]) == {"unit_id"}
    bad = await bmx.call("GET", "/v3/me", resident_token, params={"include": "units"})
    assert bad.status == 400
    updated = await bmx.call(
        "PUT",
        "/v3/me",
        resident_token,
        json={"data": {"type": "tenants", "id": me["id"], "attributes": {"last_name": "Baker"}}},
    )
    assert updated.body["data"]["attributes"]["name"].endswith(" Baker")
    blank = await bmx.call(
        "PUT",
        "/v3/me",
        resident_token,
        json={"data": {"type": "tenants", "id": me["id"], "attributes": {"last_name": ""}}},
    )
    assert blank.status == 400
    assert blank.body == {"error": "Bad Request", "error_description": "Last name can't be blank"}


async def test_resident_sees_only_their_own_records(
    bmx: Bmx, resident_token: str, manager_token: str
) -> None:
    me = (await bmx.call("GET", "/v3/me", resident_token, params={"include": "tenants"})).body
    own_units = {str(t["attributes"]["unit_id"]) for t in me["included"]}
    releases = await bmx.call(
        "GET", "/v3/door_releases", resident_token, params={"page[size]": "100"}
    )
    assert releases.body["data"]
    assert {d["relationships"]["unit"]["data"]["id"] for d in releases.body["data"]} <= own_units
    assert (await bmx.call("GET", "/v3/buildings", resident_token)).body["data"] == []
    everything = await bmx.call("GET", "/v3/me/calls", manager_token, params={"page[size]": "100"})
    mine = await bmx.call("GET", "/v3/me/calls", resident_token, params={"page[size]": "100"})
    assert 0 < len(mine.body["data"]) < len(everything.body["data"])
    own = {c["attributes"]["guid"] for c in mine.body["data"]}
    guid = next(
        c["attributes"]["guid"]
        for c in everything.body["data"]
        if c["attributes"]["guid"] not in own
    )
    visible = await bmx.call("GET", f"/v3/me/calls/{next(iter(own))}/status", resident_token)
    assert visible.status == 200
    hidden = await bmx.call("GET", f"/v3/me/calls/{guid}/status", resident_token)
    assert hidden.status == 404
    assert hidden.body["errors"][0]["detail"].startswith(
        "Couldn't find Call with [WHERE `units_users`.`deleted_at` IS NULL"
    )
    unit = (await bmx.call("GET", "/v3/units", resident_token)).body["data"][0]
    forbidden = await bmx.call("DELETE", f"/v3/units/{unit['id']}", resident_token)
    assert forbidden.status == 403


async def test_pins_set_204_show_and_blank_400(bmx: Bmx, manager_token: str) -> None:
    tenant_id = (await bmx.call("GET", "/v3/tenants", manager_token)).body["data"][0]["id"]
    set_pin = await bmx.call(
        "PUT",
        "/v3/pins",
        manager_token,
        json={"data": {"type": "pins", "id": tenant_id, "attributes": {"code": "085434"}}},
    )
    assert set_pin.status == 204
    shown = await bmx.call("GET", f"/v3/pins/{tenant_id}", manager_token)
    assert shown.body["data"]["attributes"]["code"] == "085434"
    tenant = await bmx.call("GET", f"/v3/tenants/{tenant_id}", manager_token)
    assert tenant.body["data"]["attributes"]["pin_enabled"] is True
    blank = await bmx.call(
        "PUT",
        "/v3/pins",
        manager_token,
        json={"data": {"type": "pins", "id": tenant_id, "attributes": {"code": ""}}},
    )
    assert blank.body == {
        "errors": [{"source": {"pointer": "/data/attributes/code"}, "detail": "can't be blank"}]
    }


async def test_devices_include_building_and_notifications(bmx: Bmx, manager_token: str) -> None:
    devices = await bmx.call(
        "GET",
        "/v3/devices",
        manager_token,
        params={"include": "building", "filter[device_type]": "smart_lock"},
    )
    assert devices.status == 200
    assert {d["attributes"]["device_type"] for d in devices.body["data"]} == {"smart_lock"}
    assert {r["type"] for r in devices.body["included"]} == {"buildings"}
    building = await _first_building(bmx, manager_token)
    panel_id = int(building["relationships"]["panels"]["data"][0]["id"])
    ok = await bmx.call(
        "POST",
        "/v3/notifications/call_accepted",
        manager_token,
        json={
            "data": {
                "type": "notifications",
                "id": str(panel_id),
                "attributes": {
                    "panel_id": panel_id,
                    "video": True,
                    "audio": False,
                    "call_guid": "x",
                },
            }
        },
    )
    assert ok.status == 204
    bad = await bmx.call(
        "POST",
        "/v3/notifications/open_door",
        manager_token,
        json={
            "data": {
                "type": "notifications",
                "attributes": {"panel_id": "NOT_EXIST", "call_guid": "x"},
            }
        },
    )
    assert bad.status == 400
    assert bad.body["errors"] == [
        {"source": {"pointer": "/data/attributes/panel_id"}, "detail": "No panel with that ID"}
    ]


async def test_messages_list_and_filter(bmx: Bmx, manager_token: str) -> None:
    voice = await bmx.call(
        "GET", "/v3/me/messages", manager_token, params={"filter[message_type]": "voice"}
    )
    assert voice.body["data"]
    for message in voice.body["data"]:
        assert message["attributes"]["message"] is None
        assert message["attributes"]["voice"]["url"].endswith(".mp3")
