"""Every GraphQL example in the README runs as written against `concierge serve`."""

from __future__ import annotations

import asyncio
import json
import re
from pathlib import Path
from typing import Any

import aiohttp
import pytest

README = Path(__file__).resolve().parents[2] / "README.md"
EXAMPLES = re.findall(r"```graphql\n(.*?)```", README.read_text(), flags=re.S)


def test_the_readme_has_examples() -> None:
    assert len(EXAMPLES) >= 2


@pytest.mark.parametrize("query", EXAMPLES, ids=[f"example-{i}" for i in range(len(EXAMPLES))])
async def test_readme_example_runs_without_errors(
    concierge_url: str, http: aiohttp.ClientSession, query: str
) -> None:
    if query.lstrip().startswith("subscription"):
        body = await _first_event(http, f"{concierge_url}/graphql", query)
    else:
        async with http.post(f"{concierge_url}/graphql", json={"query": query}) as response:
            assert response.status == 200
            body = await response.json()
    assert "errors" not in body, body["errors"]
    assert body["data"]


async def _first_event(http: aiohttp.ClientSession, url: str, query: str) -> dict[str, Any]:
    """A subscription's first result, over Server-Sent Events."""
    headers = {"accept": "text/event-stream"}
    async with asyncio.timeout(20):
        async with http.post(url, json={"query": query}, headers=headers) as response:
            assert response.status == 200
            event = None
            async for raw in response.content:
                line = raw.decode().rstrip("\n")
                if line.startswith("event: "):
                    event = line[len("event: ") :]
                elif line.startswith("data: ") and event == "next":
                    body: dict[str, Any] = json.loads(line[len("data: ") :])
                    return body
    raise AssertionError("the subscription ended before its first event")
