"""The resolver context: an operation's own loaders, and a fresh start for each event."""

from __future__ import annotations

import aiohttp

from concierge.connectors.policy import remaining
from concierge.resolvers.context import RequestContext
from concierge.resolvers.store.sql import SqlStore
from concierge.server.backends import open_backends
from concierge.server.settings import Settings
from concierge.server.vendors import build_services
from tests.conftest import RunningSandbox


async def test_operations_and_events_get_their_own_loaders_and_budget(
    sandbox: RunningSandbox, http: aiohttp.ClientSession, store: SqlStore
) -> None:
    settings = Settings(sandbox_url=sandbox.control_url, demo_activity_s=0)
    services = build_services(settings, await open_backends(settings, http), http, store=store)
    connection = RequestContext(services=services, timeout_s=2.0)

    first, second = connection.for_operation(), connection.for_operation()
    assert first.access is not second.access
    assert first.partial_errors is not second.partial_errors
    assert first.services is connection.services

    # A subscription resolving its next event: what the last event loaded is not reused.
    units = await first.access.units_by_building.load((await first.access.all_buildings())[0].id)
    assert units
    loaders = first.access
    token = first.next_event()
    try:
        assert first.access is not loaders
        left = remaining()
        assert left is not None
        assert 1.5 < left <= 2.0
    finally:
        first.end_deadline(token)
    assert remaining() is None
    await services.close()
