"""Per-principal authorization: tenants see their own unit, tenants and doors; operators
their buildings; forbidden objects answer as not found, with no vendor call."""

from __future__ import annotations

import base64
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from typing import Any

import aiohttp
import pytest

from tests.conftest import serve
from tests.schema.graphs import DASHBOARD, building_of
from tests.server.authgraph import AuthGraph, token
from tests.server.test_auth import SETTINGS


def vendor_id(global_id: str) -> str:
    return base64.b64decode(global_id).decode().rsplit(":", 1)[-1]


@pytest.fixture
async def url() -> AsyncIterator[str]:
    async with serve(SETTINGS) as running:
        yield running


async def _writes(admin: AuthGraph) -> int:
    """Vendor requests that are not reads or logins, across the three vendors."""
    control = (await admin.query("{ sandboxControlUrl }"))["data"]["sandboxControlUrl"]
    async with admin.http.get(f"{control}/counters") as response:
        counters = await response.json()
    total = 0
    for vendor in counters.values():
        for route, count in vendor["routes"].items():
            method, _, path = route.partition(" ")
            if method != "GET" and "oauth" not in path and "token" not in path:
                total += int(count)
    return total


async def _two_units(admin: AuthGraph) -> tuple[dict[str, Any], dict[str, Any], dict[str, Any]]:
    building = building_of(await admin.query(DASHBOARD, first=30))
    units = [
        e["node"]
        for e in building["units"]["edges"]
        if e["node"]["tenants"] and any(d["kind"] == "UNIT_LOCK" for d in e["node"]["doors"])
    ]
    assert len(units) >= 2
    return building, units[0], units[1]


def _unit_lock(unit: dict[str, Any]) -> dict[str, Any]:
    return next(d for d in unit["doors"] if d["kind"] == "UNIT_LOCK")


UNLOCK = """
mutation($door: ID!, $tenant: ID, $idem: String!) {
  unlockDoor(input: {doorId: $door, tenantId: $tenant, idempotencyKey: $idem}) {
    __typename ... on UserError { code message } } }
"""
ISSUE = """
mutation($input: IssueKeyInput!) { issueKey(input: $input) {
  __typename ... on UserError { code message } } }
"""


async def test_a_tenant_of_unit_a_sees_and_opens_nothing_of_unit_b(
    url: str, http: aiohttp.ClientSession
) -> None:
    admin = AuthGraph(url, http, token(role="admin"))
    building, a, b = await _two_units(admin)
    me = a["tenants"][0]
    tenant = AuthGraph(url, http, token(role="tenant", sub="t", tenant_ids=[vendor_id(me["id"])]))

    body = await tenant.query(
        "query($ids: [ID!]!) { nodes(ids: $ids) { id } }",
        ids=[a["id"], b["id"], b["tenants"][0]["id"], _unit_lock(b)["id"], _unit_lock(a)["id"]],
    )
    assert body["data"]["nodes"] == [{"id": a["id"]}, None, None, None, {"id": _unit_lock(a)["id"]}]
    # Lists filter: the building shows the tenant's own unit only, and no other unit's lock.
    body = await tenant.query(DASHBOARD, first=30)
    seen = building_of(body)
    assert seen["id"] == building["id"]
    assert [e["node"]["id"] for e in seen["units"]["edges"]] == [a["id"]]
    assert {t["id"] for t in seen["units"]["edges"][0]["node"]["tenants"]} <= {
        t["id"] for t in a["tenants"]
    }
    assert seen["spaces"] == []  # occupancy is building staff's
    body = await tenant.query(
        "query($id: ID!) { node(id: $id) { ... on Building { doors { id kind unit { id } } } } }",
        id=building["id"],
    )
    for door in body["data"]["node"]["doors"]:
        assert door["kind"] != "UNIT_LOCK" or door["unit"]["id"] == a["id"]

    before = await _writes(admin)
    body = await tenant.query(UNLOCK, door=_unit_lock(b)["id"], tenant=None, idem="b-door")
    assert body["data"]["unlockDoor"]["__typename"] == "NotFoundError"
    body = await tenant.query(
        UNLOCK, door=_unit_lock(a)["id"], tenant=b["tenants"][0]["id"], idem="x"
    )
    assert body["data"]["unlockDoor"]["__typename"] == "NotFoundError"
    starts = datetime.now(UTC) + timedelta(hours=2)
    window = {"startsAt": starts.isoformat(), "endsAt": (starts + timedelta(hours=2)).isoformat()}
    body = await tenant.query(
        ISSUE,
        input={
            "unitId": b["id"],
            "name": "Intruder",
            "schedule": {"custom": window},
            "idempotencyKey": "b-key",
        },
    )
    assert body["data"]["issueKey"]["__typename"] == "NotFoundError"
    assert await _writes(admin) == before


async def test_an_operator_of_building_1_sees_nothing_of_building_2(
    url: str, http: aiohttp.ClientSession
) -> None:
    admin = AuthGraph(url, http, token(role="admin"))
    everything = await admin.query(
        "{ buildings(first: 10) { edges { node { id units(first: 1) { edges { node { id } } } "
        "doors { id } } } } spaces { id } }"
    )
    buildings = [e["node"] for e in everything["data"]["buildings"]["edges"]]
    assert len(buildings) >= 2
    one, two = buildings[0], buildings[1]
    operator = AuthGraph(
        url, http, token(role="operator", sub="op", building_ids=[vendor_id(one["id"])])
    )
    body = await operator.query(
        "{ buildings(first: 10) { edges { node { id } } } spaces { id building { id } } }"
    )
    assert [e["node"]["id"] for e in body["data"]["buildings"]["edges"]] == [one["id"]]
    assert body["data"]["spaces"]
    assert {s["building"]["id"] for s in body["data"]["spaces"]} == {one["id"]}
    ids = [two["id"], two["units"]["edges"][0]["node"]["id"], two["doors"][0]["id"]]
    body = await operator.query("query($ids: [ID!]!) { nodes(ids: $ids) { id } }", ids=ids)
    assert body["data"]["nodes"] == [None, None, None]
    before = await _writes(admin)
    body = await operator.query(UNLOCK, door=two["doors"][0]["id"], tenant=None, idem="two")
    assert body["data"]["unlockDoor"]["__typename"] == "NotFoundError"
    assert await _writes(admin) == before


async def test_an_integration_without_the_unlock_capability_is_not_permitted(
    url: str, http: aiohttp.ClientSession
) -> None:
    admin = AuthGraph(url, http, token(role="admin"))
    _, a, _ = await _two_units(admin)
    reader = AuthGraph(url, http, token(role="integration", sub="i", capabilities=["read"]))
    assert (await reader.query("query($id: ID!) { node(id: $id) { id } }", id=a["id"]))["data"][
        "node"
    ]
    before = await _writes(admin)
    body = await reader.query(UNLOCK, door=_unit_lock(a)["id"], tenant=None, idem="i")
    assert body["data"]["unlockDoor"]["__typename"] == "NotPermittedError"
    assert await _writes(admin) == before


COUNTS = (
    "{ me { buildings { id unitCount } units { id } } "
    "buildings(first: 10) { edges { node { id unitCount } } } }"
)


def _counts(body: dict[str, Any]) -> tuple[dict[str, int], dict[str, int]]:
    """unitCount by building id, as `me` and as `buildings` answer."""
    mine = {b["id"]: b["unitCount"] for b in body["data"]["me"]["buildings"]}
    listed = {e["node"]["id"]: e["node"]["unitCount"] for e in body["data"]["buildings"]["edges"]}
    return mine, listed


async def test_unit_counts_and_me_count_only_what_the_principal_may_see(
    url: str, http: aiohttp.ClientSession
) -> None:
    admin = AuthGraph(url, http, token(role="admin"))
    building, a, _ = await _two_units(admin)
    everything, _ = _counts(await admin.query(COUNTS))
    assert everything[building["id"]] > 1
    tenant = AuthGraph(
        url, http, token(role="tenant", sub="t", tenant_ids=[vendor_id(a["tenants"][0]["id"])])
    )
    assert _counts(await tenant.query(COUNTS)) == ({building["id"]: 1}, {building["id"]: 1})
    one, two = list(everything)[:2]
    operator = AuthGraph(url, http, token(role="operator", sub="op", building_ids=[vendor_id(one)]))
    body = await operator.query(COUNTS)
    assert _counts(body) == ({one: everything[one]}, {one: everything[one]})
    assert two not in str(body)


KEY_NODE = "query($id: ID!) { node(id: $id) { ... on VisitorKey { id name unit { id } } } }"
REVOKE = """
mutation($key: ID!, $idem: String!) { revokeKey(input: {keyId: $key, idempotencyKey: $idem}) {
  __typename ... on UserError { code } } }
"""


async def test_an_operator_looks_up_and_revokes_a_visitor_key_of_their_building_only(
    url: str, http: aiohttp.ClientSession
) -> None:
    admin = AuthGraph(url, http, token(role="admin"))
    building, a, b = await _two_units(admin)
    starts = datetime.now(UTC) + timedelta(hours=2)
    window = {"startsAt": starts.isoformat(), "endsAt": (starts + timedelta(hours=2)).isoformat()}
    issued = await admin.query(
        "mutation($input: IssueKeyInput!) { issueKey(input: $input) { __typename "
        "... on IssueKeySuccess { key { id } } ... on UserError { message } } }",
        input={
            "unitId": a["id"],
            "name": "Plumber",
            "recipients": ["plumber@example.com"],
            "schedule": {"custom": window},
            "idempotencyKey": "op-key",
        },
    )
    assert issued["data"]["issueKey"]["__typename"] == "IssueKeySuccess", issued
    key = issued["data"]["issueKey"]["key"]["id"]
    others = await admin.query("{ buildings(first: 10) { edges { node { id } } } }")
    elsewhere = next(
        e["node"]["id"]
        for e in others["data"]["buildings"]["edges"]
        if e["node"]["id"] != building["id"]
    )

    def principal(**claims: Any) -> AuthGraph:
        return AuthGraph(url, http, token(sub="p", **claims))

    own_operator = principal(role="operator", building_ids=[vendor_id(building["id"])])
    found = (await own_operator.query(KEY_NODE, id=key))["data"]["node"]
    assert found == {"id": key, "name": "Plumber", "unit": {"id": a["id"]}}
    other_operator = principal(role="operator", building_ids=[vendor_id(elsewhere)])
    assert (await other_operator.query(KEY_NODE, id=key))["data"]["node"] is None
    own_tenant = principal(role="tenant", tenant_ids=[vendor_id(a["tenants"][0]["id"])])
    assert (await own_tenant.query(KEY_NODE, id=key))["data"]["node"]["id"] == key
    other_tenant = principal(role="tenant", tenant_ids=[vendor_id(b["tenants"][0]["id"])])
    assert (await other_tenant.query(KEY_NODE, id=key))["data"]["node"] is None

    refused = await other_operator.query(REVOKE, key=key, idem="r1")
    assert refused["data"]["revokeKey"]["__typename"] == "NotFoundError"
    revoked = await own_operator.query(REVOKE, key=key, idem="r2")
    assert revoked["data"]["revokeKey"]["__typename"] == "RevokeKeySuccess"


async def test_a_tenants_unlock_attempt_is_seen_by_its_buildings_operators_and_no_one_else(
    url: str, http: aiohttp.ClientSession
) -> None:
    admin = AuthGraph(url, http, token(role="admin"))
    building, a, b = await _two_units(admin)
    tenant = AuthGraph(
        url, http, token(role="tenant", sub="t-a", tenant_ids=[vendor_id(a["tenants"][0]["id"])])
    )
    body = await tenant.query(
        "mutation($door: ID!, $tenant: ID) { unlockDoor(input: "
        '{doorId: $door, tenantId: $tenant, idempotencyKey: "a-1"}) '
        "{ __typename ... on UnlockDoorSuccess { attempt { id } } } }",
        door=_unit_lock(a)["id"],
        tenant=a["tenants"][0]["id"],
    )
    attempt = body["data"]["unlockDoor"]["attempt"]["id"]
    others = (await admin.query("{ buildings(first: 10) { edges { node { id } } } }"))["data"][
        "buildings"
    ]["edges"]
    elsewhere = next(e["node"]["id"] for e in others if e["node"]["id"] != building["id"])
    lookup = "query($id: ID!) { node(id: $id) { ... on UnlockAttempt { id status } } }"
    seen = {
        "the tenant who asked": tenant,
        "the building's operator": AuthGraph(
            url, http, token(role="operator", sub="op-1", building_ids=[vendor_id(building["id"])])
        ),
        "another building's operator": AuthGraph(
            url, http, token(role="operator", sub="op-2", building_ids=[vendor_id(elsewhere)])
        ),
        "another unit's tenant": AuthGraph(
            url,
            http,
            token(role="tenant", sub="t-b", tenant_ids=[vendor_id(b["tenants"][0]["id"])]),
        ),
    }
    found = {
        who: (await graph.query(lookup, id=attempt))["data"]["node"] is not None
        for who, graph in seen.items()
    }
    assert found == {
        "the tenant who asked": True,
        "the building's operator": True,
        "another building's operator": False,
        "another unit's tenant": False,
    }
