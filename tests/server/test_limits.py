"""One operation cannot stall the server: documents too large or too deep are refused, and
a result that explodes under the limits is ended with a typed error while /healthz answers."""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

import aiohttp
import pytest
from graphql import get_introspection_query

from concierge.server.settings import Settings
from tests.conftest import serve

HEALTHZ_WITHIN_S = 1.0  # the promise: the server stays live while one query is refused


def nested(levels: int) -> str:
    """`levels` of `doors { building { ... } }` below the first building: doors^levels."""
    inner = "name"
    for _ in range(levels):
        inner = f"doors {{ building {{ {inner} }} }}"
    return f"{{ buildings(first: 1) {{ edges {{ node {{ {inner} }} }} }} }}"


async def post(http: aiohttp.ClientSession, url: str, query: str) -> dict[str, Any]:
    async with http.post(f"{url}/graphql", json={"query": query}) as response:
        assert response.status == 200, await response.text()
        body: dict[str, Any] = await response.json()
        return body


@asynccontextmanager
async def health_polls(http: aiohttp.ClientSession, url: str) -> AsyncIterator[list[float]]:
    """Poll /healthz until the block ends; yields the list of each answer's latency."""
    latencies: list[float] = []
    done = asyncio.Event()

    async def poll() -> None:
        while not done.is_set():
            started = time.monotonic()
            async with http.get(f"{url}/healthz") as response:
                assert response.status == 200
            latencies.append(time.monotonic() - started)
            await asyncio.sleep(0.02)

    task = asyncio.create_task(poll())
    try:
        yield latencies
    finally:
        done.set()
        await task


def codes(body: dict[str, Any]) -> list[str]:
    return [e.get("extensions", {}).get("code") for e in body.get("errors", [])]


async def test_a_query_nested_50_levels_is_refused_while_healthz_keeps_answering(
    concierge_url: str, http: aiohttp.ClientSession
) -> None:
    async with health_polls(http, concierge_url) as latencies:
        bodies = [await post(http, concierge_url, nested(25)) for _ in range(10)]

    for body in bodies:
        assert body["data"] is None
        assert codes(body) == ["QUERY_TOO_DEEP"]
        assert "at most 15 levels" in body["errors"][0]["message"]
    assert latencies, "/healthz never answered"
    assert max(latencies) < HEALTHZ_WITHIN_S, latencies


@pytest.mark.parametrize("execution_path", ["fast", "stock"])
async def test_a_result_exploding_under_the_depth_limit_ends_with_a_typed_error(
    concierge_url: str, http: aiohttp.ClientSession
) -> None:
    # 3 + 2 x 5 + 1 = 14 levels: allowed, but ~100^5 doors.
    async with health_polls(http, concierge_url) as latencies:
        body = await post(http, concierge_url, nested(5))
        answered_meanwhile = len(latencies)

    assert body == {
        "data": None,
        "errors": [
            {
                "message": "The result would have more than 50000 objects; "
                "ask for fewer levels or smaller pages.",
                "extensions": {"code": "RESULT_TOO_LARGE"},
            }
        ],
    }
    assert answered_meanwhile >= 3  # /healthz kept answering while the result was built
    # The server is still whole afterwards.
    assert "errors" not in await post(http, concierge_url, nested(1))


async def test_an_operation_past_its_time_ends_with_a_typed_error(
    http: aiohttp.ClientSession,
) -> None:
    settings = Settings(demo_activity_s=0, operation_timeout_s=0.5, max_result_objects=10**9)
    async with serve(settings) as url:
        body = await post(http, url, nested(4))

    assert body["data"] is None
    assert codes(body) == ["OPERATION_TIMEOUT"]
    assert "longer than 0.5 s" in body["errors"][0]["message"]


@pytest.mark.parametrize(
    ("document", "code"),
    [
        ("{ " + "a " * 100_000 + "}", "QUERY_TOO_LARGE"),  # past the parser's token limit
        ("{ " + "sandboxControlUrl " * 2_000 + "}", "QUERY_TOO_LARGE"),  # validation overflows
        ("{ " + "a { " * 210 + "b" + " }" * 211, "QUERY_TOO_DEEP"),  # the parser's 200 levels
        ("{ sandboxControlUrl", "GRAPHQL_PARSE_FAILED"),
        ("{ nope }", "GRAPHQL_VALIDATION_FAILED"),
    ],
    ids=["tokens", "validation", "nesting", "syntax", "unknown-field"],
)
async def test_documents_refused_before_execution_get_a_code_and_log_no_traceback(
    concierge_url: str,
    http: aiohttp.ClientSession,
    caplog: pytest.LogCaptureFixture,
    document: str,
    code: str,
) -> None:
    with caplog.at_level(logging.INFO):
        body = await post(http, concierge_url, document)

    assert body["data"] is None
    assert set(codes(body)) == {code}
    assert [r for r in caplog.records if r.levelno >= logging.ERROR] == []
    assert all(r.exc_info is None for r in caplog.records)


async def test_graphiql_introspection_passes_the_depth_limit(
    concierge_url: str, http: aiohttp.ClientSession
) -> None:
    body = await post(http, concierge_url, get_introspection_query(descriptions=True))

    assert "errors" not in body
    assert body["data"]["__schema"]["queryType"]["name"] == "Query"
