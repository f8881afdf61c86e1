"""Webhook integrations on buildings and tenants: create, read, update, delete."""

from __future__ import annotations

import pytest

from concierge.connectors.butterflymx import ButterflyMXClient
from concierge.connectors.errors import VendorAuthError, VendorNotFoundError


async def test_building_integration_round_trip(client: ButterflyMXClient) -> None:
    building = (await client.buildings.list())[0]
    created = await client.integrations.create(
        "https://hooks.example.com/butterflymx/secret-1", building_id=building.id
    )
    assert created.building_id == building.id
    assert created.tenant_id is None
    assert (created.integrator, created.method) == ("webhook", "post")
    assert created.bindings == ("call", "door_release")
    assert await client.integrations.get(created.id, building_id=building.id) == created
    updated = await client.integrations.update(
        created.id, building_id=building.id, method="get", bindings=["call"]
    )
    assert (updated.url, updated.method, updated.bindings) == (created.url, "get", ("call",))
    assert [i.id for i in await client.integrations.list(building_id=building.id)] == [created.id]
    await client.integrations.delete(created.id, building_id=building.id)
    assert await client.integrations.list(building_id=building.id) == []
    with pytest.raises(VendorNotFoundError):
        await client.integrations.get(created.id, building_id=building.id)


async def test_tenant_integration_round_trip_for_the_tenant_themself(
    resident: ButterflyMXClient,
) -> None:
    tenant_id = (await resident.me.get()).tenant_ids[0]
    created = await resident.integrations.create(
        "https://hooks.example.com/t/secret-2", tenant_id=tenant_id, bindings=["door_release"]
    )
    assert created.tenant_id == tenant_id
    assert created.bindings == ("door_release",)
    moved = await resident.integrations.update(
        created.id, tenant_id=tenant_id, url="https://hooks.example.com/t/secret-3"
    )
    assert moved.url.endswith("secret-3")
    assert await resident.integrations.list(tenant_id=tenant_id) == [moved]
    await resident.integrations.delete(created.id, tenant_id=tenant_id)
    assert await resident.integrations.list(tenant_id=tenant_id) == []


async def test_a_resident_cannot_register_on_another_tenant(
    resident: ButterflyMXClient, client: ButterflyMXClient
) -> None:
    mine = set((await resident.me.get()).tenant_ids)
    other = next(t for t in await client.tenants.list() if str(t.id) not in mine)
    with pytest.raises((VendorNotFoundError, VendorAuthError)):
        await resident.integrations.create("https://hooks.example.com/x", tenant_id=other.id)


async def test_integration_arguments_are_checked_before_sending(client: ButterflyMXClient) -> None:
    with pytest.raises(ValueError, match="one building_id or tenant_id"):
        await client.integrations.list()
    with pytest.raises(ValueError, match="bindings"):
        await client.integrations.create("https://x.example.com", building_id=1, bindings=["lock"])
    with pytest.raises(ValueError, match="method"):
        await client.integrations.create("https://x.example.com", building_id=1, method="put")
