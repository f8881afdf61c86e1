"""Every object passes the per-object checks, on every path the graph reaches it by."""

from __future__ import annotations

import base64
from typing import Any

import pytest
from starlette.requests import Request
from starlette.websockets import WebSocket

from concierge.resolvers.checks import ObjectChecks
from concierge.server.app import ChecksFor
from tests.schema.graphs import DASHBOARD, Graph, building_of


class Hide:
    """Admits every object but those whose node key is in `keys` (filled in by a test)."""

    def __init__(self) -> None:
        self.keys: set[str] = set()

    def admits(self, view: object, nested: bool = False) -> bool:
        key = getattr(view, "key", None) or getattr(view, "node_id", None)
        return key not in self.keys


HIDE = Hide()


@pytest.fixture
def checks_for() -> ChecksFor:
    HIDE.keys.clear()

    def checks(request: Request | WebSocket) -> ObjectChecks:
        return HIDE

    return checks


def _key(global_id: str) -> str:
    return base64.b64decode(global_id).decode().split(":", 1)[1]


def _first_unit_with_a_door_and_a_tenant(building: dict[str, Any]) -> dict[str, Any]:
    return next(
        e["node"] for e in building["units"]["edges"] if e["node"]["doors"] and e["node"]["tenants"]
    )


async def test_hidden_objects_are_left_out_of_every_list_prefilled_or_not(graph: Graph) -> None:
    unit = _first_unit_with_a_door_and_a_tenant(building_of(await graph.query(DASHBOARD, first=20)))
    tenant, door = unit["tenants"][0], unit["doors"][0]
    HIDE.keys |= {_key(tenant["id"]), _key(door["id"])}

    # Building.units fills in each unit's tenants and doors ahead (the prefilled path).
    again = next(
        e["node"]
        for e in building_of(await graph.query(DASHBOARD, first=20))["units"]["edges"]
        if e["node"]["id"] == unit["id"]
    )
    assert tenant["id"] not in {t["id"] for t in again["tenants"]}
    assert door["id"] not in {d["id"] for d in again["doors"]}

    # The same unit reached by node(id:): its own resolvers run, through the same checks.
    body = await graph.query(
        "query($id: ID!) { node(id: $id) { ... on Unit { tenants { id } doors { id } } } }",
        id=unit["id"],
    )
    assert tenant["id"] not in {t["id"] for t in body["data"]["node"]["tenants"]}
    assert door["id"] not in {d["id"] for d in body["data"]["node"]["doors"]}

    # The building's own door list.
    body = await graph.query("{ buildings(first: 1) { edges { node { doors { id } } } } }")
    assert door["id"] not in {d["id"] for d in building_of(body)["doors"]}


async def test_a_hidden_object_answers_as_not_found_by_id_and_as_an_entity(graph: Graph) -> None:
    unit = _first_unit_with_a_door_and_a_tenant(building_of(await graph.query(DASHBOARD, first=20)))
    tenant, door = unit["tenants"][0], unit["doors"][0]
    # An edge to a hidden object (a tenant's unit) answers null.
    HIDE.keys.add(_key(unit["id"]))
    body = await graph.query(
        "query($id: ID!) { node(id: $id) { ... on Tenant { unit { id } } } }", id=tenant["id"]
    )
    assert body["data"]["node"] == {"unit": None}

    HIDE.keys |= {_key(tenant["id"]), _key(door["id"])}
    body = await graph.query(
        "query($ids: [ID!]!) { nodes(ids: $ids) { id } }",
        ids=[tenant["id"], door["id"], unit["id"]],
    )
    assert body["data"]["nodes"] == [None, None, None]
    body = await graph.query("query($id: ID!) { node(id: $id) { id } }", id=door["id"])
    assert body["data"]["node"] is None
    body = await graph.query(
        "query($r: [_Any!]!) { _entities(representations: $r) { ... on Tenant { id } } }",
        r=[{"__typename": "Tenant", "id": tenant["id"]}],
    )
    assert body["data"]["_entities"] == [None]
