"""Buildings, units, tenants, `/me`, PINs and devices round-trip through the client."""

from __future__ import annotations

import pytest

from concierge.connectors.butterflymx import ButterflyMXClient
from concierge.connectors.errors import VendorNotFoundError, VendorRejectedError
from tests.conftest import RunningSandbox
from tests.connectors.butterflymx.conftest import route_count


async def test_buildings_come_with_their_panels_resolved(client: ButterflyMXClient) -> None:
    buildings = await client.buildings.list(sort="name")
    assert [b.name for b in buildings] == sorted(b.name for b in buildings)
    assert len(buildings) == 3
    for building in buildings:
        assert building.panel_ids
        assert [p.id for p in building.panels] == list(building.panel_ids)
        assert all(p.name for p in building.panels)
        assert building.time_zone_offset is not None


async def test_units_filter_by_building_and_label_and_resolve_includes(
    client: ButterflyMXClient,
) -> None:
    everything = await client.units.list()
    assert len(everything) == 300
    building_id = everything[0].building_id
    assert building_id is not None
    in_building = await client.units.list(building_ids=[building_id])
    assert len(in_building) == 100
    assert {u.building_id for u in in_building} == {building_id}
    label = everything[0].label
    labelled = await client.units.list(labels=[label], include_building=True)
    assert labelled
    assert all(u.label == label for u in labelled)
    assert all(u.building is not None and u.building.id == u.building_id for u in labelled)
    unit = await client.units.get(everything[0].id, include_users=True, include_building=True)
    assert unit.id == everything[0].id
    assert [u.id for u in unit.users] == list(unit.user_ids)
    assert unit.building is not None


async def test_me_resolves_buildings_and_nested_tenant_includes(
    resident: ButterflyMXClient,
) -> None:
    bare = await resident.me.get()
    assert bare.tenant_ids
    assert not bare.tenants
    me = await resident.me.get(
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
        await resident.me.get(include=["units"])


async def test_pin_set_then_read_back_keeps_leading_zeros(client: ButterflyMXClient) -> None:
    tenant = (await client.tenants.list())[0]
    await client.pins.set(tenant.id, "012345")
    pin = await client.pins.get(tenant.id)
    assert (pin.tenant_id, pin.code) == (str(tenant.id), "012345")
    with pytest.raises(VendorNotFoundError) as missing:
        await client.pins.get(999999)
    assert "WHERE" not in str(missing.value)


async def test_pin_must_be_digits_before_anything_is_sent(client: ButterflyMXClient) -> None:
    with pytest.raises(ValueError, match="digits"):
        await client.pins.set("1", "12a4")


async def test_a_vendor_validation_error_names_the_query_parameter(
    client: ButterflyMXClient,
) -> None:
    with pytest.raises(VendorRejectedError) as rejected:
        await client.calls.list(filters={"pin_enabled": True})
    assert [f.field for f in rejected.value.field_errors] == ["filter[pin_enabled]"]


async def test_not_found_messages_never_carry_sql(
    client: ButterflyMXClient, sandbox: RunningSandbox
) -> None:
    with pytest.raises(VendorNotFoundError) as missing:
        await client.units.get(999999)
    message = str(missing.value)
    assert "Couldn't find Unit with 'id'=999999" in message
    assert "WHERE" not in message
    assert "`" not in message
    assert await route_count(sandbox, "GET /api/v3/units/{id}") == 1  # 404 is not retried
