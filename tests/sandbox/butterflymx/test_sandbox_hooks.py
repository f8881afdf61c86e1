"""What the sandbox host relies on: fault rendering, route templates, state, ambient activity."""

from __future__ import annotations

from tests.conftest import RunningSandbox
from tests.sandbox.butterflymx.conftest import Bmx


async def test_injected_faults_use_jsonapi_errors_and_retry_after(
    bmx: Bmx, sandbox: RunningSandbox, manager_token: str
) -> None:
    await sandbox.control("PATCH", "/faults/butterflymx", json={"burst_429": 1, "retry_after_s": 7})
    limited = await bmx.call("GET", "/v3/units", manager_token)
    assert limited.status == 429
    assert limited.headers["Retry-After"] == "7"
    assert limited.body["errors"][0]["title"] == "Too Many Requests"
    await sandbox.control("PATCH", "/faults/butterflymx", json={"fail_next": 1})
    down = await bmx.call("GET", "/v3/units", manager_token)
    assert down.status == 503
    assert down.headers["Content-Type"].startswith("application/vnd.api+json")
    assert (await bmx.call("GET", "/v3/units", manager_token)).status == 200


async def test_counters_read_as_route_templates(
    bmx: Bmx, sandbox: RunningSandbox, manager_token: str
) -> None:
    unit = (await bmx.call("GET", "/v3/units", manager_token)).body["data"][0]["id"]
    await bmx.call("GET", f"/v3/units/{unit}", manager_token)
    await bmx.call("GET", "/v3/me/calls/abc/status", manager_token)
    routes = (await sandbox.counters("butterflymx"))["routes"]
    assert routes["POST /accounts/oauth/token"] == 1
    assert routes["GET /api/v3/units/{id}"] == 1
    assert routes["GET /api/v3/me/calls/{call_guid}/status"] == 1


async def test_state_counts_records_and_grows_with_writes(
    bmx: Bmx, sandbox: RunningSandbox, resident_token: str
) -> None:
    before = await sandbox.control("GET", "/vendors/butterflymx")
    assert before["records"]["units"] == 300
    assert before["records"]["calls"] >= 300
    await sandbox.control("POST", "/scenarios/butterflymx/door_release", json={})
    after = await sandbox.control("GET", "/vendors/butterflymx")
    assert after["records"]["door_releases"] == before["records"]["door_releases"] + 1
    mine = await bmx.call("GET", "/v3/me/door_releases", resident_token)
    assert mine.body["links"]["next"] is not None  # the demo resident's history paginates


async def test_ambient_ticks_add_calls_and_door_releases(sandbox: RunningSandbox) -> None:
    sim = sandbox.sandbox.vendors["butterflymx"]
    before = await sandbox.control("GET", "/vendors/butterflymx")
    for _ in range(30):
        await sim.ambient_tick()
    after = await sandbox.control("GET", "/vendors/butterflymx")
    assert after["records"]["calls"] > before["records"]["calls"]
    assert after["records"]["door_releases"] > before["records"]["door_releases"]
