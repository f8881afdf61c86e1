"""Walking JSON:API collections: every page once, then stop; links never leave our host."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import aiohttp
import pytest
from aiohttp import web

from concierge.connectors.butterflymx import ButterflyMXClient, build_client
from concierge.connectors.errors import VendorProtocolError
from concierge.connectors.tokens import MemoryTokenStorage
from tests.conftest import RunningSandbox
from tests.connectors.butterflymx.conftest import ConfigFactory, reset_counters, route_count


async def test_units_walk_every_page_at_the_largest_size_and_stop(
    client: ButterflyMXClient, sandbox: RunningSandbox
) -> None:
    await client.me.get()
    await reset_counters(sandbox)
    units = await client.units.list()
    assert len({u.id for u in units}) == 300
    assert await route_count(sandbox, "GET /api/v3/units") == 3  # 300 units, 100 a page


async def test_page_size_is_configurable(
    make_config: ConfigFactory, http: aiohttp.ClientSession, sandbox: RunningSandbox
) -> None:
    client = build_client(make_config(page_size=50), http, MemoryTokenStorage())
    await client.me.get()
    await reset_counters(sandbox)
    releases = await client.door_releases.list()
    assert len({r.id for r in releases}) == 420
    assert await route_count(sandbox, "GET /api/v3/door_releases") == 9


async def test_a_single_page_collection_is_one_request(
    client: ButterflyMXClient, sandbox: RunningSandbox
) -> None:
    await client.me.get()
    await reset_counters(sandbox)
    assert len(await client.buildings.list()) == 3
    assert await route_count(sandbox, "GET /api/v3/buildings") == 1


class FakeVendor:
    """A JSON:API endpoint whose `links` name another host, as the reference's do."""

    def __init__(self, pages: dict[str, dict[str, Any]]) -> None:
        self.pages = pages
        self.seen: list[dict[str, str]] = []

    async def handle(self, request: web.Request) -> web.Response:
        self.seen.append(
            {"number": request.query.get("page[number]", "1"), **dict(request.headers)}
        )
        return web.json_response(self.pages[request.query.get("page[number]", "1")])


@pytest.fixture
async def fake_api() -> AsyncIterator[tuple[str, FakeVendor]]:
    unit = {
        "type": "units",
        "attributes": {"unit_type": "apartment", "label": "1A", "floor_number": 1},
    }
    foreign = "http://api.butterflymx.invalid/v3/units?page%5Bnumber%5D={n}&page%5Bsize%5D=100"
    vendor = FakeVendor(
        {
            "1": {"data": [{**unit, "id": "2"}], "links": {"next": foreign.format(n=2)}},
            "2": {"data": [{**unit, "id": "1"}], "links": {"next": None}},
            "3": {"data": [], "links": {"next": foreign.format(n=3)}},
        }
    )
    app = web.Application()
    app.router.add_get("/api/v3/units", vendor.handle)
    runner = web.AppRunner(app, access_log=None)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    try:
        yield f"http://127.0.0.1:{runner.addresses[0][1]}/api", vendor
    finally:
        await runner.cleanup()


async def test_next_links_to_another_host_are_followed_on_the_configured_api_only(
    make_config: ConfigFactory,
    http: aiohttp.ClientSession,
    fake_api: tuple[str, FakeVendor],
) -> None:
    api_url, vendor = fake_api
    client = build_client(make_config(api_url=api_url), http, MemoryTokenStorage())
    units = await client.units.list()
    assert [u.id for u in units] == ["2", "1"]
    assert [s["number"] for s in vendor.seen] == ["1", "2"]
    assert all(s["Authorization"].startswith("Bearer ") for s in vendor.seen)


async def test_a_next_link_that_repeats_is_a_protocol_error_not_a_loop(
    make_config: ConfigFactory,
    http: aiohttp.ClientSession,
    fake_api: tuple[str, FakeVendor],
) -> None:
    api_url, vendor = fake_api
    vendor.pages["1"] = vendor.pages["3"]  # page 1 links to page 3, which links to itself
    client = build_client(make_config(api_url=api_url), http, MemoryTokenStorage())
    with pytest.raises(VendorProtocolError, match="repeated"):
        await client.units.list()
    assert [s["number"] for s in vendor.seen] == ["1", "3"]
