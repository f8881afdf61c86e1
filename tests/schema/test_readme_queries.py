"""Every GraphQL example in the README runs as written against `concierge serve`."""

from __future__ import annotations

import re
from pathlib import Path

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
    async with http.post(f"{concierge_url}/graphql", json={"query": query}) as response:
        assert response.status == 200
        body = await response.json()
    assert "errors" not in body, body["errors"]
    assert body["data"]
