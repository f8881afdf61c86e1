"""Warm 300-unit building query, in-process, with and without the per-operation metrics
extension: `python bench/ops_overhead.py base` or `... noext` (run each in a fresh directory)."""

from __future__ import annotations

import asyncio
import statistics
import sys
import time
from pathlib import Path

import aiohttp

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import concierge.server.app as appmod
from concierge.sandbox.app import Sandbox
from concierge.sandbox.dataset import DatasetSpec
from concierge.server.settings import Settings
from tests.conftest import running_server

QUERY = """query D($id: ID!) { node(id: $id) { ... on Building { name units(first: 1000) {
  edges { node { id label tenants { id name } doors { id name state online battery } } } } } } }"""


async def main(variant: str, runs: int = 40) -> None:
    if variant == "noext":
        from strawberry.extensions import SchemaExtension

        class Nop(SchemaExtension):
            pass

        appmod.Metrics.extension = lambda self: Nop  # type: ignore[method-assign]
    box = Sandbox(DatasetSpec(units_per_building=(300,)))
    info = await box.start()
    settings = Settings(sandbox_url=info["control_url"], demo_activity_s=0)
    async with running_server(settings) as url, aiohttp.ClientSession() as http:
        first = "{ buildings(first: 1) { edges { node { id } } } }"
        async with http.post(f"{url}/graphql", json={"query": first}) as r:
            building = (await r.json())["data"]["buildings"]["edges"][0]["node"]["id"]
        times = []
        for _ in range(runs):
            started = time.perf_counter()
            body = {"query": QUERY, "variables": {"id": building}}
            async with http.post(f"{url}/graphql", json=body) as r:
                assert "errors" not in await r.json()
            times.append((time.perf_counter() - started) * 1000)
        print(f"{variant}: median warm ms {statistics.median(times[5:]):.1f}")
    await box.stop()


if __name__ == "__main__":
    asyncio.run(main(sys.argv[1] if len(sys.argv) > 1 else "base"))
