"""`/metrics`: the standard exposition, with vendor request counts the sandbox agrees with."""

from __future__ import annotations

import re

import aiohttp
from prometheus_client.parser import text_string_to_metric_families

from concierge.server.settings import Settings
from tests.conftest import RunningSandbox, running_server
from tests.schema.graphs import DASHBOARD


async def scrape(
    http: aiohttp.ClientSession, url: str
) -> dict[str, list[tuple[dict[str, str], float]]]:
    async with http.get(f"{url}/metrics") as response:
        assert response.status == 200
        assert response.headers["Content-Type"].startswith("text/plain")
        text = await response.text()
    found: dict[str, list[tuple[dict[str, str], float]]] = {}
    for family in text_string_to_metric_families(text):
        for sample in family.samples:
            found.setdefault(sample.name, []).append((sample.labels, sample.value))
    return found


def total(samples: list[tuple[dict[str, str], float]], **labels: str) -> float:
    return sum(v for have, v in samples if all(have.get(k) == w for k, w in labels.items()))


async def test_vendor_request_counts_match_the_sandbox(
    concierge_url: str, http: aiohttp.ClientSession
) -> None:
    async with http.post(
        f"{concierge_url}/graphql", json={"query": "{ sandboxControlUrl }"}
    ) as response:
        control = (await response.json())["data"]["sandboxControlUrl"]
    async with http.post(f"{control}/counters/reset") as response:
        assert response.status < 300
    before = await scrape(http, concierge_url)

    async with http.post(
        f"{concierge_url}/graphql",
        json={"query": DASHBOARD, "variables": {"first": 5}, "operationName": "Dashboard"},
    ) as response:
        body = await response.json()
    assert "errors" not in body, body["errors"]

    after = await scrape(http, concierge_url)
    async with http.get(f"{control}/counters") as response:
        counters = await response.json()
    sent = {
        vendor: total(after["concierge_vendor_requests_total"], vendor=vendor)
        - total(before.get("concierge_vendor_requests_total", []), vendor=vendor)
        for vendor in counters
    }
    assert sent == {vendor: c["total"] for vendor, c in counters.items()}
    assert sum(sent.values()) > 0
    assert (
        total(after["concierge_graphql_operations_total"], operation="Dashboard", outcome="ok") == 1
    )
    assert total(after["concierge_graphql_operation_seconds_count"], operation="Dashboard") == 1
    assert total(after["concierge_vendor_request_seconds_count"]) >= sum(sent.values())
    routes = {labels["route"] for labels, _ in after["concierge_vendor_requests_total"]}
    # Ids never become label values: a route is a template, so the set stays small.
    assert not any(re.search(r"/\d", route) for route in routes), routes
    # Every vendor reports its breaker state; the dashboard left all of them closed.
    breakers = after["concierge_vendor_breaker_state"]
    assert {
        labels["vendor"] for labels, v in breakers if labels["state"] == "closed" and v == 1
    } == set(counters)
    lookups = after["concierge_cache_lookups_total"]
    assert total(lookups, result="miss") > 0


async def test_a_failed_operation_counts_as_an_error(
    concierge_url: str, http: aiohttp.ClientSession
) -> None:
    await http.post(f"{concierge_url}/graphql", json={"query": "query Broken { nope }"})
    found = await scrape(http, concierge_url)
    assert (
        total(found["concierge_graphql_operations_total"], operation="Broken", outcome="error") == 1
    )


async def test_a_retried_vendor_failure_shows_in_the_counts(
    concierge_url: str, http: aiohttp.ClientSession
) -> None:
    async with http.post(
        f"{concierge_url}/graphql", json={"query": "{ sandboxControlUrl }"}
    ) as response:
        control = (await response.json())["data"]["sandboxControlUrl"]
    # The next ButterflyMX request answers 503; the GET is retried and then succeeds.
    async with http.patch(
        f"{control}/faults/butterflymx", json={"fail_next": 1, "error_status": 503}
    ) as response:
        assert response.status < 300
    query = "{ buildings(first: 1) { edges { node { name } } } }"
    async with http.post(f"{concierge_url}/graphql", json={"query": query}) as response:
        assert "errors" not in await response.json()
    found = await scrape(http, concierge_url)
    requests = found["concierge_vendor_requests_total"]
    assert total(requests, vendor="butterflymx", status="503") == 1
    assert total(found["concierge_vendor_retries_total"], vendor="butterflymx") == 1


async def test_token_requests_are_counted_too(
    sandbox: RunningSandbox, http: aiohttp.ClientSession
) -> None:
    # A standalone sandbox, so its counters start before this server asks for any token.
    async with running_server(Settings(sandbox_url=sandbox.control_url)) as url:
        async with http.get(f"{url}/readyz") as response:
            assert response.status == 200
        found = await scrape(http, url)
        counters = await sandbox.counters("remotelock")
    sent = total(found["concierge_vendor_requests_total"], vendor="remotelock")
    assert sent == counters["total"] > 0


def test_operation_names_are_bounded() -> None:
    from concierge.server.metrics import MAX_OPERATION_NAMES, Metrics

    metrics = Metrics()
    for n in range(MAX_OPERATION_NAMES + 10):
        metrics.operation(f"Op{n}", "query", True, 0.01)
    body, _ = metrics.exposition()
    names = {
        s.labels["operation"]
        for family in text_string_to_metric_families(body.decode())
        if family.name == "concierge_graphql_operations"
        for s in family.samples
        if s.name == "concierge_graphql_operations_total"
    }
    assert len(names) == MAX_OPERATION_NAMES + 1
    assert "other" in names
