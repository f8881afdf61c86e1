"""The schema is an Apollo Federation 2 subgraph: it composes, and `_entities` is batched."""

from __future__ import annotations

import base64
import json
import subprocess
from pathlib import Path
from typing import Any

import aiohttp

from concierge.schema.root import schema
from tests.conftest import require_tool

REPO = Path(__file__).resolve().parents[2]
# Installed once, then reused: `npm install` is the slow part of this test.
COMPOSITION_DIR = REPO / ".cache" / "apollo-composition"
# Both must be there: an interrupted install can leave the first without its `graphql` peer.
INSTALLED = (
    COMPOSITION_DIR / "node_modules" / "@apollo" / "composition" / "package.json",
    COMPOSITION_DIR / "node_modules" / "graphql" / "package.json",
)
NPM_TIMEOUT_S = 300
COMPOSE_SCRIPT = """
const { readFileSync } = require("node:fs");
const { parse } = require("graphql");
const { composeServices } = require("@apollo/composition");
const sdl = readFileSync(0, "utf8");
const result = composeServices([
  { name: "concierge", typeDefs: parse(sdl), url: "http://concierge/graphql" },
]);
const errors = (result.errors || []).map((e) => `${e.extensions?.code ?? "ERROR"}: ${e.message}`);
console.log(JSON.stringify({ errors, supergraph: result.supergraphSdl ?? null }));
"""


def _node_tools() -> tuple[str, str]:
    reason = "composing the supergraph needs Node.js"
    return require_tool("node", reason), require_tool("npm", reason)


def _install_composition(npm: str) -> None:
    if all(path.exists() for path in INSTALLED):
        return
    COMPOSITION_DIR.mkdir(parents=True, exist_ok=True)
    # Our own package.json, so npm installs here and not into a parent project.
    COMPOSITION_DIR.joinpath("package.json").write_text('{"private": true}\n')
    done = subprocess.run(
        [npm, "install", "--no-audit", "--no-fund", "@apollo/composition@2"],
        cwd=COMPOSITION_DIR,
        capture_output=True,
        text=True,
        timeout=NPM_TIMEOUT_S,
        check=False,
    )
    assert done.returncode == 0, f"npm install @apollo/composition@2 failed:\n{done.stderr}"


def _subgraph_sdl() -> str:
    result = schema.execute_sync("{ _service { sdl } }")
    assert result.errors is None, result.errors
    assert result.data is not None
    sdl: str = result.data["_service"]["sdl"]
    return sdl


def test_subgraph_sdl_composes_into_a_supergraph() -> None:
    node, npm = _node_tools()
    _install_composition(npm)
    sdl = _subgraph_sdl()
    assert '@link(url: "https://specs.apollo.dev/federation/v2' in sdl
    done = subprocess.run(
        [node, "-e", COMPOSE_SCRIPT],
        cwd=COMPOSITION_DIR,
        input=sdl,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    outcome = json.loads(done.stdout)
    assert outcome["errors"] == [], "\n".join(outcome["errors"])
    assert 'join__type(graph: CONCIERGE, key: "id")' in outcome["supergraph"]


ENTITIES = """
query Entities($representations: [_Any!]!) {
  _entities(representations: $representations) {
    __typename
    ... on Unit { id label building { id name } }
    ... on Building { id name unitCount }
  }
}
"""


def _global_id(type_name: str, vendor_id: str) -> str:
    return base64.b64encode(f"{type_name}:butterflymx:{vendor_id}".encode()).decode()


async def _post(http: aiohttp.ClientSession, url: str, body: Any) -> Any:
    async with http.post(url, json=body) as response:
        assert response.status == 200, await response.text()
        return await response.json()


async def _control(http: aiohttp.ClientSession, method: str, url: str) -> Any:
    async with http.request(method, url) as response:
        assert response.status < 300, await response.text()
        return await response.json()


async def test_entities_for_a_hundred_units_take_a_handful_of_vendor_requests(
    concierge_url: str, http: aiohttp.ClientSession
) -> None:
    graphql = f"{concierge_url}/graphql"
    control = (await _post(http, graphql, {"query": "{ sandboxControlUrl }"}))["data"][
        "sandboxControlUrl"
    ]
    # IDs from the sandbox's site map, so the server's caches are still cold.
    site = await _control(http, "GET", f"{control}/sitemap")
    units = sorted({lock["butterflymx_unit_id"] for lock in site["locks"]})[::3][:100]
    buildings = [b["butterflymx_building_id"] for b in site["buildings"]]
    assert len(units) == 100
    representations = [{"__typename": "Unit", "id": _global_id("Unit", u)} for u in units] + [
        {"__typename": "Building", "id": _global_id("Building", b)} for b in buildings
    ]
    await _control(http, "DELETE", f"{control}/counters")

    body = await _post(
        http, graphql, {"query": ENTITIES, "variables": {"representations": representations}}
    )

    assert "errors" not in body, body.get("errors")
    entities = body["data"]["_entities"]
    assert [e["id"] for e in entities] == [r["id"] for r in representations]
    assert all(e["label"] and e["building"]["name"] for e in entities[:100])
    assert all(e["name"] and e["unitCount"] > 0 for e in entities[100:])
    counters = await _control(http, "GET", f"{control}/counters")
    routes = {f"{v} {r}": n for v, c in counters.items() for r, n in c["routes"].items()}
    # A token, the buildings and one walk of the account's units (300, 100 a page).
    assert sum(routes.values()) <= 6, routes
    assert not any("{id}" in route for route in routes), f"per-entity fetches: {routes}"
