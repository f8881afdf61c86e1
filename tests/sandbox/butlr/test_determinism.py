"""Same seed, same requests: same ids, same bodies (timestamps aside)."""

from __future__ import annotations

from typing import Any

import aiohttp

from concierge.sandbox.dataset import DatasetSpec
from tests.conftest import RunningSandbox
from tests.sandbox.butlr.conftest import ButlrApi, another_sandbox

SQUARE = [[1, 1], [5, 1], [5, 4], [1, 4]]


async def script(api: ButlrApi) -> list[Any]:
    """A fixed sequence of reads and writes; returns every answer with clocks stripped."""
    spaces = (await api.ok("GET", "/api/v2/spaces?details=true"))["data"]
    for space in spaces:
        for sensor in space["sensors"]:
            sensor.pop("last_heartbeat")  # follows the sandbox clock
    space_id = spaces[0]["id"]
    created_space = await api.ok("POST", "/api/v2/spaces", status=201, json={"name": "Annex"})
    rooms = await api.ok(
        "POST",
        f"/api/v2/spaces/{space_id}/rooms",
        status=201,
        json=[{"name": "Studio", "type": "office", "coordinates": SQUARE}],
    )
    zones = await api.ok(
        "POST",
        f"/api/v2/spaces/{space_id}/zones",
        status=201,
        json=[{"name": "Corner", "coordinates": [0, 0, 2, 0, 2, 2]}],
    )
    hives = await api.walk("/api/v2/hives?limit=4")
    return [spaces, created_space, rooms, zones, hives, api.credentials]


async def test_same_seed_gives_the_same_records_and_created_ids(
    api: ButlrApi, http: aiohttp.ClientSession
) -> None:
    ours = await script(api)

    async with another_sandbox(http) as (_, twin):
        theirs = await script(twin)

    assert ours == theirs


async def test_another_seed_gives_other_ids(
    api: ButlrApi, sandbox: RunningSandbox, http: aiohttp.ClientSession
) -> None:
    ours = await script(api)

    async with another_sandbox(http, DatasetSpec(seed=1234)) as (_, other):
        theirs = await script(other)

    assert ours[1]["id"] != theirs[1]["id"]
    assert ours[5]["client_id"] != theirs[5]["client_id"]
