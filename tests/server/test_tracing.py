"""Traces: one dashboard query is one trace, with a span for every vendor request it sent."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator

import aiohttp
import uvicorn
from opentelemetry.sdk.trace import TracerProvider
from opentelemetry.sdk.trace.export import SimpleSpanProcessor
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter
from opentelemetry.trace import SpanKind

from concierge.server.app import create_app
from concierge.server.settings import Settings
from tests.schema.graphs import DASHBOARD


@contextlib.asynccontextmanager
async def traced_server(provider: TracerProvider) -> AsyncIterator[str]:
    app = create_app(Settings(demo_activity_s=0), tracer=provider)
    server = uvicorn.Server(
        uvicorn.Config(app, host="127.0.0.1", port=0, log_level="warning", lifespan="on")
    )
    task = asyncio.create_task(server.serve())
    while not server.started:
        assert not task.done(), "uvicorn did not start"
        await asyncio.sleep(0.05)
    try:
        yield f"http://127.0.0.1:{server.servers[0].sockets[0].getsockname()[1]}"
    finally:
        server.should_exit = True
        await asyncio.wait_for(task, timeout=15)


async def test_a_dashboard_query_is_one_trace_with_a_span_per_vendor_request(
    http: aiohttp.ClientSession,
) -> None:
    exporter = InMemorySpanExporter()
    provider = TracerProvider()
    provider.add_span_processor(SimpleSpanProcessor(exporter))
    async with traced_server(provider) as url:
        # The first request starts every vendor's token renewal: done before the query.
        async with http.post(f"{url}/graphql", json={"query": "{ sandboxControlUrl }"}) as r:
            control = (await r.json())["data"]["sandboxControlUrl"]
        for _ in range(200):  # until every vendor has been asked for its token
            async with http.get(f"{control}/counters") as r:
                if all(c["total"] > 0 for c in (await r.json()).values()):
                    break
            await asyncio.sleep(0.05)
        async with http.post(f"{control}/counters/reset") as r:
            assert r.status < 300
        exporter.clear()
        async with http.post(
            f"{url}/graphql", json={"query": DASHBOARD, "variables": {"first": 5}}
        ) as r:
            body = await r.json()
        assert "errors" not in body
        async with http.get(f"{control}/counters") as r:
            counters = await r.json()
    spans = exporter.get_finished_spans()
    operations = [s for s in spans if s.kind == SpanKind.SERVER]
    assert [s.name for s in operations] == ["GraphQL Dashboard"]
    trace_id = operations[0].context.trace_id
    assert {s.context.trace_id for s in spans} == {trace_id}
    vendor_spans = [s for s in spans if s.kind == SpanKind.CLIENT]
    assert len(vendor_spans) == sum(c["total"] for c in counters.values()) > 0
    assert all(s.parent is not None for s in vendor_spans)


async def test_tracing_is_off_by_default() -> None:
    from concierge.server.tracing import tracer_provider

    assert tracer_provider(Settings()) is None
    assert tracer_provider(Settings(otlp_endpoint="http://127.0.0.1:4318")) is not None
