"""v4: tenants, access points and devices by building, and the remote door release."""

from __future__ import annotations

import pytest

from concierge.connectors.butterflymx import ButterflyMXClient
from concierge.connectors.errors import VendorAuthError
from tests.conftest import RunningSandbox
from tests.connectors.butterflymx.conftest import route_count


async def test_tenants_access_points_and_devices_by_building(
    client: ButterflyMXClient, sandbox: RunningSandbox
) -> None:
    everyone = await client.tenants.list()
    assert len(everyone) == 600
    building = everyone[0].building_id
    assert everyone[0].unit.building_id == building
    in_building = await client.tenants.list(building_ids=[building])
    assert in_building
    assert {t.building_id for t in in_building} == {building}
    of_unit = await client.tenants.list(unit_id=everyone[0].unit.id)
    assert {t.unit.id for t in of_unit} == {everyone[0].unit.id}
    points = await client.access_points.list()
    buildings = sorted({p.building_id for p in points})
    two = await client.access_points.list(building_ids=buildings[:2])
    assert {p.building_id for p in two} == set(buildings[:2])
    assert await route_count(sandbox, "GET /api/v4/access_points") == 3  # all, then one each
    devices = await client.devices.list(building_ids=[building])
    assert devices
    assert {d.building_id for d in devices} == {building}


async def test_resident_releases_an_access_point_and_their_unit_lock(
    resident: ButterflyMXClient, client: ButterflyMXClient
) -> None:
    tenant = (await resident.tenants.list())[0]
    point = (await resident.access_points.list(building_ids=[tenant.building_id]))[0]
    released = await resident.doors.unlock(tenant.id, access_point_id=point.id)
    assert (released.status, released.tenant_id, released.access_point_id) == (
        "released",
        tenant.id,
        point.id,
    )
    assert released.door_release_id is not None
    record = await client.door_releases.get(released.door_release_id)
    assert record.release_method == "mobile"
    lock = next(
        d for d in await resident.devices.list(unit_id=tenant.unit.id) if d.type == "smart_lock"
    )
    by_device = await resident.doors.unlock(str(tenant.id), device_id=str(lock.id))
    assert by_device.device_id == lock.id
    assert by_device.access_point_id is None


async def test_door_release_needs_exactly_one_target(client: ButterflyMXClient) -> None:
    with pytest.raises(ValueError, match="exactly one"):
        await client.doors.unlock(1)
    with pytest.raises(ValueError, match="exactly one"):
        await client.doors.unlock(1, access_point_id=2, device_id=3)
    with pytest.raises(ValueError, match="integers"):
        await client.doors.unlock("abc", device_id=3)


async def test_a_door_in_another_building_is_forbidden(
    resident: ButterflyMXClient, client: ButterflyMXClient
) -> None:
    tenant = (await resident.tenants.list())[0]
    elsewhere = next(
        p for p in await client.access_points.list() if p.building_id != tenant.building_id
    )
    with pytest.raises(VendorAuthError) as refused:
        await resident.doors.unlock(tenant.id, access_point_id=elsewhere.id)
    assert refused.value.status == 403
