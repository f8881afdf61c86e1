"""Bad input gets Butlr's `{"message": ...}` body with the right status, never a 500."""

from __future__ import annotations

from typing import Any

import pytest

from tests.conftest import RunningSandbox
from tests.sandbox.butlr.conftest import INVALID, NOT_FOUND, ButlrApi


async def test_unknown_route_is_404_in_butlr_shape(api: ButlrApi) -> None:
    for token in (None, ""):
        reply = await api.call("GET", "/api/v2/nowhere", token=token)
        assert (reply.status, reply.body) == (404, NOT_FOUND)


async def test_wrong_method_is_405_with_allow_header(api: ButlrApi) -> None:
    reply = await api.call("DELETE", "/api/v2/sensors")

    assert (reply.status, reply.body) == (405, {"message": "Method Not Allowed"})
    assert "GET" in reply.headers["Allow"]


@pytest.mark.parametrize(
    "path",
    [
        "/api/v2/spaces/space_missing",
        "/api/v2/sensors/sensor_missing",
        "/api/v2/sensors/00-17-0d-ff-ff-ff-ff-ff",
        "/api/v2/hives/hive_missing",
        "/api/v2/spaces/space_missing/rooms",
        "/api/v2/spaces/space_missing/zones",
    ],
)
async def test_unknown_ids_are_404(api: ButlrApi, path: str) -> None:
    reply = await api.call("GET", path)

    assert (reply.status, reply.body) == (404, NOT_FOUND)


async def test_room_of_another_space_is_404(api: ButlrApi) -> None:
    spaces = (await api.ok("GET", "/api/v2/spaces"))["data"]
    room_id = spaces[1]["rooms"][0]["id"]

    reply = await api.call("GET", f"/api/v2/spaces/{spaces[0]['id']}/rooms/{room_id}")

    assert (reply.status, reply.body) == (404, NOT_FOUND)


@pytest.mark.parametrize(
    ("kwargs", "reason"),
    [
        ({"data": b"{not json", "headers": {"Content-Type": "application/json"}}, "malformed"),
        (
            {"data": b"name=x", "headers": {"Content-Type": "application/x-www-form-urlencoded"}},
            "form",
        ),
        ({"data": b"<space/>", "headers": {"Content-Type": "text/xml"}}, "xml"),
        ({"json": ["not", "an", "object"]}, "array"),
        ({"json": {"name": ""}}, "empty name"),
        ({"json": {"name": "x", "colour": "red"}}, "unknown field"),
        ({"json": {"name": "x", "bad\r\nkey\u00fc": 1}}, "unknown field with control chars"),
    ],
)
async def test_bad_bodies_are_invalid_requests(
    api: ButlrApi, kwargs: dict[str, Any], reason: str
) -> None:
    reply = await api.call("POST", "/api/v2/spaces", **kwargs)

    assert (reply.status, reply.body) == (400, INVALID), reason
    assert reply.headers.get("X-Sandbox-Detail")


@pytest.mark.parametrize(
    "query",
    [
        "details=yes",
        "limit=0",
        "limit=101",
        "limit=ten",
        "sort=name",
        "cursor=%%%",
        "%C3%BCber=1",
        "a%0D%0Ab=1",
        "limit=5&limit=6",
    ],
)
async def test_bad_query_parameters_are_invalid_requests(api: ButlrApi, query: str) -> None:
    reply = await api.call("GET", f"/api/v2/sensors?{query}")

    assert (reply.status, reply.body) == (400, INVALID)


async def test_injected_429_uses_butlr_body_and_retry_after(
    api: ButlrApi, sandbox: RunningSandbox
) -> None:
    await sandbox.control("PATCH", "/faults/butlr", json={"burst_429": 1, "retry_after_s": 7})

    limited = await api.call("GET", "/api/v2/spaces")
    after = await api.call("GET", "/api/v2/spaces")

    assert (limited.status, limited.body) == (429, {"message": "Too Many Requests"})
    assert limited.headers["Retry-After"] == "7"
    assert after.status == 200


async def test_injected_503_uses_butlr_body(api: ButlrApi, sandbox: RunningSandbox) -> None:
    await sandbox.control("PATCH", "/faults/butlr", json={"fail_next": 1, "error_status": 503})

    reply = await api.call("GET", "/api/v2/sensors")

    assert (reply.status, reply.body) == (503, {"message": "Service Unavailable"})
    assert "Retry-After" not in reply.headers


async def test_counters_use_route_templates(api: ButlrApi, sandbox: RunningSandbox) -> None:
    await api.ok("GET", "/api/v2/sensors/sensor_missing", status=404)
    await api.ok("GET", "/api/v2/hives")

    routes = (await sandbox.counters("butlr"))["routes"]

    assert routes["GET /api/v2/sensors/{sensor_id}"] == 1
    assert routes["GET /api/v2/hives"] == 1
    assert routes["POST /api/v2/clients/login"] == 1
