"""v4 plain JSON: tenants, access points, devices, and door release requests."""

from __future__ import annotations

from tests.sandbox.butterflymx.conftest import Bmx


async def test_v4_lists_have_the_documented_plain_shapes(bmx: Bmx, resident_token: str) -> None:
    tenants = await bmx.call("GET", "/v4/tenants", resident_token)
    assert tenants.status == 200
    assert tenants.headers["Content-Type"].startswith("application/json")
    (tenant,) = tenants.body["data"]
    assert set(tenant) == {
        "created_at",
        "full_name",
        "id",
        "updated_at",
        "first_name",
        "last_name",
        "building_id",
        "inactive_after",
        "email",
        "unit",
    }
    assert isinstance(tenant["id"], int)
    assert set(tenant["unit"]) == {
        "created_at",
        "id",
        "label",
        "updated_at",
        "floor",
        "building_id",
    }
    assert isinstance(tenant["unit"]["floor"], str)
    building_id = tenant["building_id"]
    points = await bmx.call(
        "GET", "/v4/access_points", resident_token, params={"q[building_id_eq]": str(building_id)}
    )
    assert points.body["data"]
    for point in points.body["data"]:
        assert set(point) == {"created_at", "id", "name", "updated_at", "building_id", "device_ids"}
        assert point["building_id"] == building_id
    devices = await bmx.call(
        "GET", "/v4/devices", resident_token, params={"q[building_id_eq]": str(building_id)}
    )
    locks = [d for d in devices.body["data"] if d["type"] == "smart_lock"]
    assert locks
    assert set(devices.body["data"][0]) == {
        "created_at",
        "id",
        "model",
        "name",
        "serial_number",
        "updated_at",
        "building_id",
        "type",
    }
    unknown = await bmx.call("GET", "/v4/devices", resident_token, params={"q[name_cont]": "x"})
    assert unknown.status == 400
    assert set(unknown.body) == {"error", "error_description"}


async def test_manager_sees_every_tenant_and_filters_by_building(
    bmx: Bmx, manager_token: str
) -> None:
    everyone = await bmx.call("GET", "/v4/tenants", manager_token)
    assert len(everyone.body["data"]) == 600
    building_id = everyone.body["data"][0]["building_id"]
    one = await bmx.call(
        "GET", "/v4/tenants", manager_token, params={"q[building_id_eq]": str(building_id)}
    )
    assert {t["building_id"] for t in one.body["data"]} == {building_id}
    assert len(one.body["data"]) == 200


async def test_door_release_request_records_a_door_release(bmx: Bmx, resident_token: str) -> None:
    tenant = (await bmx.call("GET", "/v4/tenants", resident_token)).body["data"][0]
    point = (
        await bmx.call(
            "GET",
            "/v4/access_points",
            resident_token,
            params={"q[building_id_eq]": str(tenant["building_id"])},
        )
    ).body["data"][0]
    reply = await bmx.call(
        "POST",
        "/v4/door_release_requests",
        resident_token,
        json={"door_release_request": {"access_point_id": point["id"], "tenant_id": tenant["id"]}},
        content_type="application/json",
    )
    assert reply.status == 201
    request = reply.body["data"]
    assert request["tenant_id"] == tenant["id"]
    assert request["access_point_id"] == point["id"]
    assert request["device_id"] is None
    released = await bmx.call(
        "GET", f"/v3/door_releases/{request['door_release_id']}", resident_token
    )
    assert released.status == 200
    assert released.body["data"]["relationships"]["unit"]["data"]["id"] == str(tenant["unit"]["id"])
    listed = await bmx.call("GET", "/v3/door_releases", resident_token)
    assert listed.body["data"][0]["id"] == str(request["door_release_id"])


async def test_door_release_request_with_own_unit_lock(bmx: Bmx, resident_token: str) -> None:
    tenant = (await bmx.call("GET", "/v4/tenants", resident_token)).body["data"][0]
    devices = (await bmx.call("GET", "/v4/devices", resident_token)).body["data"]
    unit_lock = next(d for d in devices if d["name"].startswith(f"Unit {tenant['unit']['label']} "))
    reply = await bmx.call(
        "POST",
        "/v4/door_release_requests",
        resident_token,
        json={"door_release_request": {"device_id": unit_lock["id"], "tenant_id": tenant["id"]}},
        content_type="application/json",
    )
    assert reply.status == 201
    assert reply.body["data"]["device_id"] == unit_lock["id"]


async def test_door_release_request_errors(
    bmx: Bmx, resident_token: str, manager_token: str
) -> None:
    tenant = (await bmx.call("GET", "/v4/tenants", resident_token)).body["data"][0]

    async def post(body: object, token: str = resident_token) -> tuple[int, dict[str, str]]:
        reply = await bmx.call(
            "POST", "/v4/door_release_requests", token, json=body, content_type="application/json"
        )
        return reply.status, reply.body

    both = {
        "door_release_request": {"tenant_id": tenant["id"], "device_id": 1, "access_point_id": 2}
    }
    assert (await post(both))[0] == 422
    neither = {"door_release_request": {"tenant_id": tenant["id"]}}
    assert (await post(neither))[0] == 422
    status, body = await post(
        {"door_release_request": {"tenant_id": tenant["id"], "access_point_id": 999999}}
    )
    assert status == 404
    assert body["error_description"] == "Couldn't find AccessPoint with 'id'=999999"
    assert (await post({"door_release_request": {"tenant_id": 1, "device_id": 1}}))[0] == 404
    assert (await post({"something_else": {}}))[0] == 400
    other_building = next(
        p
        for p in (await bmx.call("GET", "/v4/access_points", manager_token)).body["data"]
        if p["building_id"] != tenant["building_id"]
    )
    status, _ = await post(
        {
            "door_release_request": {
                "tenant_id": tenant["id"],
                "access_point_id": other_building["id"],
            }
        },
        manager_token,
    )
    assert status == 403
