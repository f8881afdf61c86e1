"""The `graph` fixture: a live server and a client for it."""

from __future__ import annotations

import aiohttp
import pytest

from tests.schema.graphs import Graph


@pytest.fixture
async def graph(concierge_url: str, http: aiohttp.ClientSession) -> Graph:
    return Graph(concierge_url, http)
