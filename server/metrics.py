"""Prometheus metrics, one registry per app: GraphQL operations, vendor calls, caches, hooks."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from typing import TYPE_CHECKING, Any

from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram
from prometheus_client.core import CounterMetricFamily, GaugeMetricFamily, Metric
from prometheus_client.exposition import CONTENT_TYPE_LATEST, generate_latest
from prometheus_client.registry import Collector
from strawberry.extensions import SchemaExtension

from concierge.connectors.http import HTTPObserver

if TYPE_CHECKING:
    from concierge.resolvers.services import Services

BREAKER_STATES = ("closed", "half_open", "open")
MAX_OPERATION_NAMES = 500
# Vendor calls take 1 ms (sandbox) to seconds (a slow vendor, retries): the default
# buckets start at 5 ms and would put every sandbox call in one.
VENDOR_BUCKETS = (0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10)
OPERATION_BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 15)


class Metrics:
    """Every metric the server exports. It is the connectors' `HTTPObserver` too.

    Hooks handed to the parts that report (`server.feeds`, `server.webhooks`):
    `subscription_opened`/`subscription_closed`, `webhook_delivered`. Pollers, breakers and
    the cache are read from the services at scrape time.
    """

    def __init__(self, services: Callable[[], Services | None] = lambda: None) -> None:
        self.registry = CollectorRegistry(auto_describe=True)
        r = self.registry
        self.started_at = time.time()
        self._names: set[str] = set()
        self.operations = Counter(
            "concierge_graphql_operations",
            "GraphQL operations by name, type and outcome (ok, error).",
            ["operation", "type", "outcome"],
            registry=r,
        )
        self.operation_seconds = Histogram(
            "concierge_graphql_operation_seconds",
            "GraphQL operation latency: parse, validate, resolve.",
            ["operation", "type"],
            buckets=OPERATION_BUCKETS,
            registry=r,
        )
        self.graphql_requests = Counter(
            "concierge_graphql_requests",
            "GraphQL HTTP requests and WebSocket connections received.",
            registry=r,
        )
        self.vendor_requests = Counter(
            "concierge_vendor_requests",
            "Requests sent to vendors (token requests and retries included).",
            ["vendor", "method", "route", "status"],
            registry=r,
        )
        self.vendor_seconds = Histogram(
            "concierge_vendor_request_seconds",
            "Vendor request latency, one request (not the call with its retries).",
            ["vendor", "method", "route"],
            buckets=VENDOR_BUCKETS,
            registry=r,
        )
        self.vendor_retries = Counter(
            "concierge_vendor_retries",
            "Vendor calls sent again, by error kind.",
            ["vendor", "kind"],
            registry=r,
        )
        self.rate_limit_wait = Histogram(
            "concierge_vendor_rate_limit_wait_seconds",
            "Time calls waited for the client-side rate limit.",
            ["vendor"],
            buckets=VENDOR_BUCKETS,
            registry=r,
        )
        self.subscriptions = Gauge(
            "concierge_subscriptions_active",
            "Open GraphQL subscriptions.",
            ["subscription"],
            registry=r,
        )
        self.feeds = Gauge(
            "concierge_subscription_executions",
            "Distinct subscriptions running, each shared by all its subscribers.",
            registry=r,
        )
        self.webhooks = Counter(
            "concierge_webhook_deliveries",
            "Vendor webhook deliveries received, by outcome.",
            ["vendor", "outcome"],
            registry=r,
        )
        Gauge(
            "concierge_uptime_seconds", "Seconds since the server started.", registry=r
        ).set_function(lambda: time.time() - self.started_at)
        r.register(_ServicesCollector(services))

    # The connectors' HTTPObserver.
    def exchanged(self, vendor: str, method: str, route: str, status: str, seconds: float) -> None:
        self.vendor_requests.labels(vendor, method, route, status).inc()
        self.vendor_seconds.labels(vendor, method, route).observe(seconds)

    def retried(self, vendor: str, kind: str) -> None:
        self.vendor_retries.labels(vendor, kind).inc()

    def waited(self, vendor: str, seconds: float) -> None:
        self.rate_limit_wait.labels(vendor).observe(seconds)

    # Hooks for subscriptions, pollers and webhooks.
    def subscription_opened(self, name: str) -> None:
        self.subscriptions.labels(name).inc()

    def subscription_closed(self, name: str) -> None:
        self.subscriptions.labels(name).dec()

    def webhook_delivered(self, vendor: str, outcome: str) -> None:
        self.webhooks.labels(vendor, outcome).inc()

    def operation(self, name: str, kind: str, ok: bool, seconds: float) -> None:
        # Names come from clients: past MAX_OPERATION_NAMES distinct ones, new names count
        # as "other", so no client can grow the exposition without bound.
        if name not in self._names:
            if len(self._names) >= MAX_OPERATION_NAMES:
                name = "other"
            else:
                self._names.add(name)
        self.operations.labels(name, kind, "ok" if ok else "error").inc()
        self.operation_seconds.labels(name, kind).observe(seconds)

    def observe(self, services: Services, *also: HTTPObserver) -> None:
        """Report every vendor client's requests here (and to `also`, the request log)."""
        observer: HTTPObserver = Observers((self, *also)) if also else self
        for client in (services.butterflymx, services.remotelock, services.butlr):
            for transport in client.transports:
                transport.observer = observer

    def exposition(self) -> tuple[bytes, str]:
        return generate_latest(self.registry), CONTENT_TYPE_LATEST

    def extension(self) -> type[SchemaExtension]:
        """A Strawberry extension class that times each operation into these metrics."""
        return type("OperationMetrics", (_OperationMetrics,), {"metrics": self})


class Observers:
    """Several `HTTPObserver`s as one."""

    def __init__(self, observers: tuple[HTTPObserver, ...]) -> None:
        self._observers = observers

    def exchanged(self, vendor: str, method: str, route: str, status: str, seconds: float) -> None:
        for o in self._observers:
            o.exchanged(vendor, method, route, status, seconds)

    def retried(self, vendor: str, kind: str) -> None:
        for o in self._observers:
            o.retried(vendor, kind)

    def waited(self, vendor: str, seconds: float) -> None:
        for o in self._observers:
            o.waited(vendor, seconds)


class _OperationMetrics(SchemaExtension):
    metrics: Metrics

    def on_operation(self) -> Iterator[None]:
        started = time.perf_counter()
        yield
        context = self.execution_context
        try:
            kind = context.operation_type.value
        except RuntimeError:  # the document did not parse: no operation to name
            kind = "unknown"
        result: Any = context.result
        ok = not context.pre_execution_errors and not getattr(result, "errors", None)
        # Names come from clients: cut long ones so one client cannot bloat the exposition.
        name = (context.operation_name or "anonymous")[:64]
        self.metrics.operation(name, kind, ok, time.perf_counter() - started)


class _ServicesCollector(Collector):
    """Read at scrape time: breaker state per vendor, cache hits and misses."""

    def __init__(self, services: Callable[[], Services | None]) -> None:
        self._services = services

    def describe(self) -> list[Metric]:
        return []  # values depend on the services the lifespan builds

    def collect(self) -> Iterator[Metric]:
        services = self._services()
        if services is None:
            return
        breaker = GaugeMetricFamily(
            "concierge_vendor_breaker_state",
            "Circuit breaker state per vendor: 1 for the current state.",
            labels=["vendor", "state"],
        )
        for client in (services.butterflymx, services.remotelock, services.butlr):
            current = client.http.breaker.state if client.http.breaker is not None else "closed"
            for state in BREAKER_STATES:
                breaker.add_metric([client.http.vendor, state], 1.0 if state == current else 0.0)
        yield breaker
        cache = CounterMetricFamily(
            "concierge_cache_lookups", "Vendor cache lookups by result.", labels=["result"]
        )
        cache.add_metric(["hit"], services.cache.hits)
        cache.add_metric(["miss"], services.cache.misses)
        yield cache
        pollers = GaugeMetricFamily(
            "concierge_pollers_active",
            "Vendor pollers running on this replica, by what they watch.",
            labels=["resource"],
        )
        running = services.pollers.running()
        for resource in ("occupancy", "call"):
            pollers.add_metric([resource], running.get(resource, 0))
        yield pollers
