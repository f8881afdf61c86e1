"""Every mutation leaves an audit record, and replays (which do nothing) leave none."""

from __future__ import annotations

from pathlib import Path

import aiohttp

from concierge.server.settings import Settings
from concierge.server.store import open_store
from tests.conftest import RunningSandbox, running_server
from tests.schema.graphs import Graph
from tests.schema.test_keys import REVOKE, SET_PIN, _calls, _custom, _issue, _site


async def test_issue_revoke_and_pin_are_audited_once_and_a_pin_replay_sends_nothing(
    sandbox: RunningSandbox, http: aiohttp.ClientSession, tmp_path: Path
) -> None:
    settings = Settings(
        sandbox_url=sandbox.control_url, demo_activity_s=0, data_dir=str(tmp_path / "data")
    )
    async with running_server(settings) as url:
        graph = Graph(url, http)
        site = await _site(graph)
        fields = {
            "unitId": site["unit"]["id"],
            "name": "Window cleaner",
            "recipients": ["windows@example.com"],
            "schedule": _custom(),
            "idempotencyKey": "audit-issue",
        }
        issued = await _issue(graph, **fields)
        assert issued["__typename"] == "IssueKeySuccess", issued
        assert await _issue(graph, **fields) == issued
        key = issued["key"]
        revoke = (await graph.query(REVOKE, key=key["id"], idem="audit-revoke"))["data"]
        assert revoke["revokeKey"]["__typename"] == "RevokeKeySuccess", revoke

        tenant = site["unit"]["tenants"][0]["id"]
        first = (await graph.query(SET_PIN, tenant=tenant, pin="731904", idem="audit-pin"))["data"]
        assert first["setTenantPin"]["pin"] == "731904", first
        assert await _calls(graph, "butterflymx", "PUT /api/v3/pins") == 1
        replay = (await graph.query(SET_PIN, tenant=tenant, pin="731904", idem="audit-pin"))["data"]
        assert replay == first
        # The replay read the PIN back but did not set it again.
        assert await _calls(graph, "butterflymx", "PUT /api/v3/pins") == 1
        other = (await graph.query(SET_PIN, tenant=tenant, pin="111222", idem="audit-pin"))["data"]
        assert other["setTenantPin"]["__typename"] == "IdempotencyConflictError", other

    store = await open_store(settings)
    try:
        entries = list(reversed(await store.audit.recent()))
    finally:
        await store.close()
    key_target = next(e.target for e in entries if e.action == "key.issue")
    assert [(e.action, e.actor, e.outcome) for e in entries] == [
        ("key.issue", "demo", "issued"),
        ("key.revoke", "demo", "revoked"),
        ("tenant.pin", "demo", "set"),
    ]
    assert entries[0].target == entries[1].target == key_target
    assert "keychain:" in (entries[0].vendor_reference or "")
