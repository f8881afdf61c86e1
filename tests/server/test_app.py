"""The ASGI app over real HTTP: GraphQL, GraphiQL, health, readiness, metrics, bad input."""

from __future__ import annotations

import aiohttp


async def test_graphql_answers_with_the_embedded_sandbox(
    concierge_url: str, http: aiohttp.ClientSession
) -> None:
    query = "{ vendors { vendor source apiUrl } sandboxControlUrl }"
    async with http.post(f"{concierge_url}/graphql", json={"query": query}) as response:
        assert response.status == 200
        body = await response.json()
    assert "errors" not in body
    vendors = {v["vendor"]: v for v in body["data"]["vendors"]}
    assert set(vendors) == {"BUTTERFLYMX", "REMOTELOCK", "BUTLR"}
    assert all(v["source"] == "SANDBOX" for v in vendors.values())
    control = body["data"]["sandboxControlUrl"]
    async with http.get(control) as response:
        assert response.status == 200


async def test_graphiql_is_served_to_browsers(
    concierge_url: str, http: aiohttp.ClientSession
) -> None:
    async with http.get(f"{concierge_url}/graphql", headers={"Accept": "text/html"}) as response:
        assert response.status == 200
        assert "graphiql" in (await response.text()).lower()


async def test_health_readiness_and_metrics(
    concierge_url: str, http: aiohttp.ClientSession
) -> None:
    async with http.get(f"{concierge_url}/healthz") as response:
        assert response.status == 200
    async with http.get(f"{concierge_url}/readyz") as response:
        assert response.status == 200
        assert (await response.json())["status"] == "ready"
    await http.post(f"{concierge_url}/graphql", json={"query": "{ sandboxControlUrl }"})
    async with http.get(f"{concierge_url}/metrics") as response:
        text = await response.text()
    assert "concierge_graphql_requests_total" in text
    count = next(
        line for line in text.splitlines() if line.startswith("concierge_graphql_requests_total")
    )
    assert float(count.split()[1]) >= 1


async def test_malformed_requests_get_clear_errors_not_500s(
    concierge_url: str, http: aiohttp.ClientSession
) -> None:
    async with http.post(
        f"{concierge_url}/graphql", data="{not json", headers={"Content-Type": "application/json"}
    ) as response:
        assert response.status == 400
    query = "query Q($flag: Boolean!) { sandboxControlUrl @include(if: $flag) }"
    async with http.post(
        f"{concierge_url}/graphql", json={"query": query, "variables": {"flag": "yes"}}
    ) as response:
        body = await response.json()
    assert body.get("data") is None
    assert "Boolean cannot represent a non boolean value" in body["errors"][0]["message"]
    async with http.post(f"{concierge_url}/graphql", json={"query": "{ nope }"}) as response:
        body = await response.json()
    assert "Cannot query field 'nope'" in body["errors"][0]["message"]


async def test_finished_sandboxes_are_freed() -> None:
    """The suite's servers each start a sandbox; once one has stopped (and the harness has
    cleared aiohttp's middleware cache, `tests.conftest.forget_finished_apps`) nothing of
    it stays alive, so collections do not grow with every test run before."""
    import gc

    from concierge.sandbox.app import Sandbox
    from concierge.server.settings import Settings
    from tests.conftest import forget_finished_apps, running_app

    async with (
        running_app(Settings(demo_activity_s=0)) as (url, _),
        aiohttp.ClientSession() as http,
        http.post(f"{url}/graphql", json={"query": "{ vendors { vendor } }"}) as answer,
    ):
        assert answer.status == 200
    forget_finished_apps()
    gc.collect()
    assert not [o for o in gc.get_objects() if isinstance(o, Sandbox)]
