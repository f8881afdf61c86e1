"""A small GraphQL client for schema tests, and the dashboard query."""

from __future__ import annotations

from typing import Any

import aiohttp

DASHBOARD = """
query Dashboard($first: Int!) {
  buildings(first: 1) { edges { node {
    id name unitCount
    units(first: $first) { edges { node {
      id label floor
      tenants { id name email }
      doors { id name vendor kind state online battery capabilities { canUnlock canLock } }
    } } }
    accessPoints { id name kind }
    spaces { id name occupancy { count quality } zones { id name room { id } }
      rooms { id name capacity occupancy { count capacity asOf quality }
              sensors { id macAddress batteryPercent } } }
  } } }
}
"""


class Graph:
    def __init__(self, url: str, http: aiohttp.ClientSession) -> None:
        self.url = url
        self.http = http
        self.control = ""

    async def query(self, query: str, **variables: Any) -> dict[str, Any]:
        async with self.http.post(
            f"{self.url}/graphql", json={"query": query, "variables": variables}
        ) as response:
            assert response.status == 200, await response.text()
            body: dict[str, Any] = await response.json()
            return body

    async def sandbox(self, method: str, path: str, **kwargs: Any) -> Any:
        if not self.control:
            self.control = (await self.query("{ sandboxControlUrl }"))["data"]["sandboxControlUrl"]
        async with self.http.request(method, f"{self.control}{path}", **kwargs) as response:
            assert response.status < 300, await response.text()
            return await response.json()


def building_of(body: dict[str, Any]) -> dict[str, Any]:
    node: dict[str, Any] = body["data"]["buildings"]["edges"][0]["node"]
    return node
