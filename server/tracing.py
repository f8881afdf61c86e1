"""OpenTelemetry traces, off by default: one span per GraphQL operation, one per vendor request."""

from __future__ import annotations

from collections.abc import Iterator

import aiohttp
from opentelemetry import context as otel_context
from opentelemetry import trace
from opentelemetry.instrumentation.aiohttp_client import create_trace_config
from opentelemetry.sdk.resources import Resource
from opentelemetry.sdk.trace import TracerProvider

__all__ = ["TracerProvider", "client_trace_configs", "operation_tracing", "tracer_provider"]
from opentelemetry.sdk.trace.export import BatchSpanProcessor
from opentelemetry.trace import SpanKind, Status, StatusCode
from strawberry.extensions import SchemaExtension

from concierge.server.settings import Settings


def tracer_provider(settings: Settings) -> TracerProvider | None:
    """A provider exporting over OTLP/HTTP when `otlp_endpoint` is set; None when tracing is off.

    `tracing = true` without an endpoint uses the exporter's own environment
    (`OTEL_EXPORTER_OTLP_ENDPOINT`, default http://localhost:4318).
    """
    if not settings.tracing and settings.otlp_endpoint is None:
        return None
    from opentelemetry.exporter.otlp.proto.http.trace_exporter import OTLPSpanExporter

    provider = TracerProvider(resource=Resource.create({"service.name": settings.service_name}))
    endpoint = settings.otlp_endpoint
    if endpoint is not None and not endpoint.rstrip("/").endswith("/v1/traces"):
        endpoint = endpoint.rstrip("/") + "/v1/traces"
    provider.add_span_processor(BatchSpanProcessor(OTLPSpanExporter(endpoint=endpoint)))
    return provider


def client_trace_configs(provider: TracerProvider | None) -> list[aiohttp.TraceConfig]:
    """For the shared vendor session: a client span per request sent (retries each get one)."""
    if provider is None:
        return []
    return [create_trace_config(tracer_provider=provider)]


def operation_tracing(provider: TracerProvider) -> type[SchemaExtension]:
    """A Strawberry extension class whose operation span is the parent of every vendor call.

    Not Strawberry's `OpenTelemetryExtension`: it opens a span for every resolved field
    (a 300-unit dashboard resolves ~4,000) and never makes the operation span current, so
    vendor requests, sent from dataloader tasks, would each start a trace of their own.
    """
    return type(
        "OperationTracing", (_OperationTracing,), {"tracer": provider.get_tracer("concierge")}
    )


class _OperationTracing(SchemaExtension):
    tracer: trace.Tracer

    def on_operation(self) -> Iterator[None]:
        name = self.execution_context.operation_name
        span = self.tracer.start_span(f"GraphQL {name or 'operation'}", kind=SpanKind.SERVER)
        # Current for the operation: tasks it starts (dataloaders, cache fills) copy it.
        token = otel_context.attach(trace.set_span_in_context(span))
        try:
            yield
        finally:
            otel_context.detach(token)
            context = self.execution_context
            if not name and context.operation_name:
                span.update_name(f"GraphQL {context.operation_name}")
            span.set_attribute("graphql.operation.name", context.operation_name or "")
            errors = context.pre_execution_errors or getattr(context.result, "errors", None)
            if errors:
                span.set_status(Status(StatusCode.ERROR, str(errors[0])[:200]))
            span.end()
