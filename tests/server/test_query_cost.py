"""Aliases, page sizes, `nodes` IDs and cost are measured before execution: refused with
no vendor call; an accepted operation reports its cost; introspection can be off."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

import aiohttp

from concierge.server.settings import Settings
from tests.conftest import serve
from tests.schema.graphs import Graph


async def _vendor_reads(graph: Graph) -> int:
    counters = await graph.sandbox("GET", "/counters")
    return sum(
        int(n)
        for vendor in counters.values()
        for route, n in vendor["routes"].items()
        if "oauth" not in route and "token" not in route and "login" not in route
    )


def _code(body: dict[str, Any]) -> str:
    assert body["data"] is None, body
    code: str = body["errors"][0]["extensions"]["code"]
    return code


async def test_wide_deep_and_costly_queries_are_refused_before_any_vendor_call(
    graph: Graph,
) -> None:
    await graph.sandbox("DELETE", "/counters")
    deep = "doors { building { " * 10 + "id" + " } }" * 10
    assert (
        _code(await graph.query(f"{{ buildings(first: 1) {{ edges {{ node {{ {deep} }} }} }} }}"))
        == "QUERY_TOO_DEEP"
    )
    aliases = " ".join(f"a{i}: spaces {{ name }}" for i in range(1000))
    assert _code(await graph.query(f"{{ {aliases} }}")) == "TOO_MANY_ALIASES"
    ids = [f"id-{i}" for i in range(10_000)]
    body = await graph.query("query($ids: [ID!]!) { nodes(ids: $ids) { id } }", ids=ids)
    assert _code(body) == "TOO_MANY_IDS"
    costly = (
        "{ buildings(first: 100) { edges { node { units(first: 1000) { edges { node { "
        "doors { name } tenants { name } } } } } } } }"
    )
    body = await graph.query(costly)
    assert _code(body) == "QUERY_TOO_COSTLY"
    assert "would cost" in body["errors"][0]["message"]
    body = await graph.query(
        "query($n: Int!) { buildings(first: $n) { edges { node { id } } } }", n=5000
    )
    assert _code(body) == "PAGE_TOO_LARGE"
    assert await _vendor_reads(graph) == 0


async def test_an_accepted_query_reports_its_cost(graph: Graph) -> None:
    body = await graph.query("{ buildings(first: 2) { edges { node { name } } } }")
    assert body["data"]["buildings"]["edges"]
    # buildings 2 + edges 2 + node 2
    assert body["extensions"]["cost"] == 6


async def test_introspection_and_service_sdl_can_be_switched_off(
    http: aiohttp.ClientSession,
) -> None:
    async with serve(replace(Settings(demo_activity_s=0), introspection=False)) as url:
        graph = Graph(url, http)
        assert (
            _code(await graph.query("{ __schema { types { name } } }")) == "INTROSPECTION_DISABLED"
        )
        assert _code(await graph.query("{ _service { sdl } }")) == "INTROSPECTION_DISABLED"
        body = await graph.query("{ __typename buildings(first: 1) { edges { node { id } } } }")
        assert body["data"]["__typename"] == "Query"
    async with serve(Settings(demo_activity_s=0)) as url:  # the demo: on
        body = await Graph(url, http).query("{ __schema { queryType { name } } }")
        assert body["data"]["__schema"]["queryType"]["name"] == "Query"
