"""A hanging vendor costs one request its own fields, not the whole response."""

from __future__ import annotations

import time

import pytest

from concierge.server.settings import Settings
from tests.schema.graphs import DASHBOARD, Graph
from tests.schema.graphs import building_of as _building


@pytest.fixture
def concierge_settings() -> Settings:
    return Settings(demo_activity_s=0, request_timeout_s=1.5)


async def test_a_hanging_vendor_gives_null_and_vendor_timeout_within_the_deadline(
    graph: Graph,
) -> None:
    await graph.sandbox("PATCH", "/faults/butlr", json={"timeout_rate": 1, "hang_s": 4})
    started = time.monotonic()
    body = await graph.query(DASHBOARD, first=5)
    elapsed = time.monotonic() - started
    building = _building(body)
    assert len(building["units"]["edges"]) == 5
    assert building["spaces"] is None
    assert {(e["extensions"]["code"], e["extensions"]["vendor"]) for e in body["errors"]} == {
        ("VENDOR_TIMEOUT", "butlr")
    }
    # Not a timing assertion on speed: the point is the response does not wait for the
    # vendor's 4 s hang (or the connector's 10 s timeout and retries).
    assert elapsed < 3.5
