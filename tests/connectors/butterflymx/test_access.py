"""Buildings, units, tenants, `/me`, PINs and devices round-trip through the client."""

from __future__ import annotations

import pytest

from connectors.butterflymx import ButterflyMXClient
from connectors.errors import VendorNotFoundError, VendorRejectedError
from tests.conftest import RunningSandbox
from tests.connectors.butterflymx.conftest import route_count


async def test_buildings_come_with_their_panels_resolved(client: ButterflyMXClient) -> None:
    buildings = await client.list_buildings(sort="name")
    assert [b.name for b in buildings] == sorted(b.name for b in buildings)
    assert len(buildings) == 3
    for building in buildings:
        assert building.panel_ids
        assert [p.id for p in building.panels] == list(building.panel_ids)
        assert all(p.name for p in building.panels)
        assert building.time_zone_offset is not None
    one = await client.get_building(buildings[0].id)
    assert one == buildings[0]


async def test_units_filter_by_building_and_label_and_resolve_includes(
    client: ButterflyMXClient,
) -> None:
    everything = await client.list_units()
    assert len(everything) == 300
    building_id = everything[0].building_id
    assert building_id is not None
    in_building = await client.list_units(building_ids=[building_id])
    assert len(in_building) == 100
    assert {u.building_id for u in in_building} == {building_id}
    label = everything[0].label
    labelled = await client.list_units(labels=[label], include_building=True)
    assert labelled
    assert all(u.label == label for u in labelled)
    assert all(u.building is not None and u.building.id == u.building_id for u in labelled)
    unit = await client.get_unit(everything[0].id, include_users=True, include_building=True)
    assert unit.id == everything[0].id
    assert [u.id for u in unit.users] == list(unit.user_ids)
    assert unit.building is not None


async def test_tenants_always_carry_their_user_and_filter_by_unit(
    client: ButterflyMXClient,
) -> None:
    tenants = await client.list_tenants()
    assert len(tenants) == 600
    assert all(t.user is not None and t.user.id == t.user_id for t in tenants)
    unit_id = tenants[0].unit_id
    assert unit_id is not None
    of_unit = await client.list_tenants(unit_ids=[unit_id])
    assert of_unit
    assert {t.unit_id for t in of_unit} == {unit_id}
    with_pin = await client.list_tenants(filters={"pin_enabled": True})
    assert with_pin
    assert all(t.pin_enabled for t in with_pin)
    one = await client.get_tenant(tenants[0].id)
    assert one == tenants[0]


async def test_me_resolves_buildings_and_nested_tenant_includes(
    resident: ButterflyMXClient,
) -> None:
    bare = await resident.get_me()
    assert bare.tenant_ids
    assert not bare.tenants
    me = await resident.get_me(
        include=["buildings", "tenants", "tenants.unit", "tenants.building", "tenants.panels"]
    )
    assert me.user == bare.user
    assert [b.id for b in me.buildings] == list(me.building_ids)
    assert me.buildings[0].display_name_strategy is None  # the reduced serializer
    tenancy = me.tenants[0]
    assert tenancy.unit is not None
    assert tenancy.unit.id == tenancy.unit_id
    assert tenancy.building is not None
    assert tenancy.building.id == tenancy.building_id
    assert tenancy.panels


async def test_me_refuses_an_include_the_vendor_does_not_offer(
    resident: ButterflyMXClient,
) -> None:
    with pytest.raises(ValueError, match="units"):
        await resident.get_me(include=["units"])


async def test_pin_set_then_read_back_keeps_leading_zeros(client: ButterflyMXClient) -> None:
    tenant = (await client.list_tenants(filters={"pin_enabled": False}))[0]
    with pytest.raises(VendorNotFoundError) as missing:
        await client.get_pin(tenant.id)
    assert "WHERE" not in str(missing.value)
    await client.set_pin(tenant.id, "012345")
    pin = await client.get_pin(tenant.id)
    assert (pin.tenant_id, pin.code) == (tenant.id, "012345")


async def test_pin_must_be_digits_before_anything_is_sent(client: ButterflyMXClient) -> None:
    with pytest.raises(ValueError, match="digits"):
        await client.set_pin("1", "12a4")


async def test_devices_batch_by_building_and_type(client: ButterflyMXClient) -> None:
    devices = await client.list_devices()
    buildings = sorted({d.building_id for d in devices if d.building_id})
    two = await client.list_devices(building_ids=buildings[:2], include_building=True)
    assert {d.building_id for d in two} == set(buildings[:2])
    assert all(d.building is not None and d.building.id == d.building_id for d in two)
    locks = await client.list_devices(device_type="smart_lock")
    assert locks
    assert {d.device_type for d in locks} == {"smart_lock"}
    assert len(two) < len(devices)


async def test_a_vendor_validation_error_names_the_query_parameter(
    client: ButterflyMXClient,
) -> None:
    with pytest.raises(VendorRejectedError) as rejected:
        await client.list_tenants(filters={"unit": 1})
    assert [f.field for f in rejected.value.field_errors] == ["filter[unit]"]


async def test_not_found_messages_never_carry_sql(
    client: ButterflyMXClient, sandbox: RunningSandbox
) -> None:
    with pytest.raises(VendorNotFoundError) as missing:
        await client.get_unit(999999)
    message = str(missing.value)
    assert "Couldn't find Unit with 'id'=999999" in message
    assert "WHERE" not in message
    assert "`" not in message
    assert await route_count(sandbox, "GET /api/v3/units/{id}") == 1  # 404 is not retried
