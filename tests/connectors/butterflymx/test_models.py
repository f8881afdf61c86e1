"""Record parsers: vendor JSON in, records out; a bad payload names the field at fault."""

from __future__ import annotations

from typing import Any

import pytest

from concierge.connectors.butterflymx import (
    AccessPoint,
    Building,
    Call,
    CallStatus,
    DoorRelease,
    DoorReleaseRequest,
    Integration,
    Keychain,
    Me,
    MeTenant,
    Unit,
    V4Tenant,
)
from concierge.connectors.butterflymx.jsonapi import Included, document
from concierge.connectors.errors import VendorProtocolError


def _unit(**attributes: Any) -> dict[str, Any]:
    return {
        "id": "93",
        "type": "units",
        "attributes": {
            "unit_type": "apartment",
            "label": "37037",
            "floor_number": 37,
            **attributes,
        },
        "relationships": {
            "building": {"data": {"id": "55", "type": "buildings"}},
            "users": {"data": [{"id": "7", "type": "users"}]},
        },
    }


def test_a_unit_resolves_only_what_was_included() -> None:
    user = {"id": "7", "type": "users", "attributes": {"name": "Ann Lee"}}
    unit = Unit.from_json(_unit(), Included.parse([user]))
    assert (unit.id, unit.label, unit.floor_number, unit.building_id) == ("93", "37037", 37, "55")
    assert unit.user_ids == ("7",)
    assert [u.name for u in unit.users] == ["Ann Lee"]
    assert unit.building is None  # linked, not included


@pytest.mark.parametrize(
    ("raw", "named"),
    [
        ({k: v for k, v in _unit().items() if k != "type"}, "'type'"),
        (_unit(label=None), "'label'"),
        (_unit(label=37), "'label'"),
        (_unit(floor_number="37"), "'floor_number'"),
        ({**_unit(), "type": "buildings"}, "'buildings'"),
        ({**_unit(), "relationships": {"building": {"id": "55"}}}, "relationships.building"),
        ({**_unit(), "relationships": {"users": {"data": {"id": "7"}}}}, "relationships.users"),
        ("not an object", "expected an object"),
    ],
)
def test_malformed_units_name_the_field(raw: Any, named: str) -> None:
    with pytest.raises(VendorProtocolError, match=named):
        Unit.from_json(raw)


def test_the_error_says_where_the_field_sits() -> None:
    with pytest.raises(VendorProtocolError) as bad:
        Unit.from_json(_unit(label=None))
    assert "units[93].attributes" in str(bad.value)
    assert bad.value.vendor == "butterflymx"


@pytest.mark.parametrize(
    ("parser", "raw", "named"),
    [
        (Building.from_json, {"id": "1", "type": "buildings", "attributes": {}}, "'name'"),
        (
            Building.from_json,
            {"id": "1", "type": "buildings", "attributes": {"name": "B", "qr_key_enabled": "yes"}},
            "'qr_key_enabled'",
        ),
        (Call.from_json, {"id": "1", "type": "calls", "attributes": {"guid": "g"}}, "'call_type'"),
        (
            CallStatus.from_json,
            {"id": "1", "type": "call_statuses", "attributes": {"multiple_devices": False}},
            "'status'",
        ),
        (DoorRelease.from_json, {"id": "1", "type": "door_releases"}, "'release_method'"),
        (
            Keychain.from_json,
            {
                "id": "1",
                "type": "keychains",
                "attributes": {"name": "K", "kind": "custom", "weekdays": "mon"},
            },
            "'weekdays'",
        ),
        (
            Integration.from_json,
            {
                "id": "u",
                "type": "integrations",
                "attributes": {"integrator": "webhook", "config": {}, "bindings": []},
            },
            "'url'",
        ),
        (Me.from_json, {"id": "1", "type": "users", "attributes": {}}, "'name'"),
    ],
)
def test_malformed_v3_resources_name_the_field(parser: Any, raw: Any, named: str) -> None:
    with pytest.raises(VendorProtocolError, match=named):
        parser(raw)


@pytest.mark.parametrize(
    ("parser", "raw", "named"),
    [
        (
            AccessPoint.from_json,
            {"id": "3", "name": "A", "building_id": 1, "device_ids": []},
            "'id'",
        ),
        (
            AccessPoint.from_json,
            {"id": 3, "name": "A", "building_id": 1, "device_ids": ["x"]},
            "'device_ids'",
        ),
        (V4Tenant.from_json, {"id": 3, "building_id": 1}, "'unit'"),
        (
            V4Tenant.from_json,
            {"id": 3, "building_id": 1, "unit": {"id": 2, "building_id": 1}},
            "unit: missing field 'label'",
        ),
        (DoorReleaseRequest.from_json, {"id": 1, "tenant_id": 2}, "'status'"),
    ],
)
def test_malformed_v4_records_name_the_field(parser: Any, raw: Any, named: str) -> None:
    with pytest.raises(VendorProtocolError, match=named):
        parser(raw)


def test_a_document_without_data_or_with_bad_links_is_a_protocol_error() -> None:
    with pytest.raises(VendorProtocolError, match="'data'"):
        document({"errors": []})
    with pytest.raises(VendorProtocolError, match="'next'"):
        document({"data": [], "links": {"next": 2}})
    with pytest.raises(VendorProtocolError, match="'included'"):
        document({"data": [], "included": {}})


def test_tenancies_are_read_under_both_of_their_type_names() -> None:
    me = Me.from_json(
        {
            "id": "30",
            "type": "users",
            "attributes": {"name": "Doyle DuBuque"},
            "relationships": {"tenants": {"data": [{"id": "37", "type": "tenants"}]}},
        },
        Included.parse([{"id": "37", "type": "tenants", "attributes": {"unit_id": 54}}]),
    )
    assert [(t.id, t.unit_id) for t in me.tenants] == [("37", "54")]
    tenant = MeTenant.from_json({"id": "37", "type": "units_users", "attributes": {}})
    assert tenant.id == "37"
    assert tenant.unit is None
