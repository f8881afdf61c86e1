"""The ASGI application: `/graphql` (HTTP and WebSocket, GraphiQL), health, readiness, metrics."""

from __future__ import annotations

import asyncio
import contextlib
import secrets
import time
from collections.abc import AsyncIterator, Callable, Coroutine
from dataclasses import dataclass, field
from typing import Any

import aiohttp
import orjson
from redis.asyncio import Redis
from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route, WebSocketRoute
from starlette.websockets import WebSocket
from strawberry.asgi import GraphQL
from strawberry.http import GraphQLHTTPResponse
from strawberry.subscriptions.protocols.graphql_transport_ws.types import ConnectionInitMessage
from strawberry.subscriptions.protocols.graphql_ws.types import (
    ConnectionInitMessage as LegacyConnectionInitMessage,
)

from concierge.connectors.errors import VendorError
from concierge.connectors.http import VendorHTTP
from concierge.connectors.tokens import TokenManager
from concierge.resolvers.checks import ObjectChecks
from concierge.resolvers.confirmations import resume_confirmations
from concierge.resolvers.context import RequestContext, VendorEndpoint
from concierge.resolvers.ingress import Ingress
from concierge.resolvers.principals import Principal
from concierge.resolvers.registration import register_webhooks
from concierge.resolvers.scopes import DENY_ALL, checks_for_principal
from concierge.resolvers.services import Services
from concierge.resolvers.store.sql import SqlStore
from concierge.schema import schema
from concierge.schema.budget import limited
from concierge.schema.limits import Limits
from concierge.server.auth import Authenticator, AuthError, credential_of
from concierge.server.backends import Backends, open_backends
from concierge.server.feeds import Feeds
from concierge.server.gate import PRINCIPAL, GraphQLGate
from concierge.server.heap import frozen_heap
from concierge.server.ide import assets_route, graphiql_html
from concierge.server.linking import Linking, auth_factory, link_routes
from concierge.server.logs import RequestLogMiddleware, VendorLog
from concierge.server.metrics import Metrics
from concierge.server.ratelimit import RateLimiter, operation_rate_limit
from concierge.server.settings import Settings
from concierge.server.shared_ws import SharedLegacyWS, SharedTransportWS
from concierge.server.sse import ClientSlots, LimitedWebSockets, SSEOrHTTP
from concierge.server.store import open_store
from concierge.server.tracing import (
    TracerProvider,
    client_trace_configs,
    operation_tracing,
    tracer_provider,
)
from concierge.server.vendors import build_services, shared_cache
from concierge.server.webhooks import webhook_routes


@dataclass
class AppState:
    """Shared resources created by the lifespan and closed with it."""

    settings: Settings
    started_at: float = field(default_factory=time.time)
    http: aiohttp.ClientSession | None = None
    backends: Backends | None = None
    services: Services | None = None
    store: SqlStore | None = None  # opened and migrated: readiness waits for it
    metrics: Metrics = field(init=False)
    tracer_provider: TracerProvider | None = None  # tracing off
    redis: Redis | None = None  # the shared cache's client, when `redis_url` is set
    authenticator: Authenticator | None = None
    linking: Linking | None = None
    ingress: Ingress | None = None
    first_tokens: dict[str, asyncio.Future[None]] = field(default_factory=dict)
    limiter: RateLimiter = field(init=False)  # per principal: HTTP requests, WS operations

    def __post_init__(self) -> None:
        self.metrics = Metrics(lambda: self.services)
        s = self.settings
        self.limiter = RateLimiter(s.rate_limit_per_minute, namespace=s.cache_namespace)

    @property
    def ready(self) -> bool:
        return self.services is not None and self.store is not None

    def waiting_for(self) -> list[str]:
        """What readiness still waits for: the store (migrated) and each vendor's first
        token fetch (loaded from the store or renewed) to have finished.

        Finished, not succeeded: a vendor that is down or refuses our credentials costs
        its fields (typed errors, the rest answers) and must not take every replica out
        of the load balancer with it. `/readyz` reports each vendor's token state.
        """
        if self.store is None or self.services is None:
            return ["store"] if self.store is None else ["services"]
        return [vendor for vendor, fetch in self.first_tokens.items() if not fetch.done()]

    def token_states(self) -> dict[str, str]:
        if self.services is None:
            return {}
        s = self.services
        return {
            c.tokens.vendor: "held"
            if c.tokens.held
            else "needs re-authorisation"
            if c.tokens.needs_reauthorization
            else "renewing"
            for c in (s.butterflymx, s.remotelock, s.butlr)
        }


RENEWAL_HEAD_START_S = 0.002
READY_WAIT_S = 2.0  # a readiness probe waits this long for tokens being fetched

# What a request may see, from the request (its principal); every object passes it.
ChecksFor = Callable[[Request | WebSocket], ObjectChecks]


async def _authenticated(handler: Any, payload: object) -> AuthError | None:
    """Authenticate a WebSocket at `connection_init` (either protocol); the refusal, if any.
    The handshake's headers may already have authenticated the connection."""
    view = handler.view
    assert isinstance(view, ConciergeGraphQL)
    params = payload if isinstance(payload, dict) else {}
    try:
        if credential_of(params) is not None or handler.context.checks is DENY_ALL:
            await view.authenticate_connection(handler.context, params)
    except AuthError as exc:
        return exc
    return None


class AuthenticatedTransportWS(SharedTransportWS):
    """graphql-transport-ws whose `connection_init` payload authenticates the connection
    (close 4401 when refused) before Strawberry acknowledges it."""

    async def handle_connection_init(self, message: ConnectionInitMessage) -> None:
        if await _authenticated(self, message.get("payload")) is not None:
            await self.websocket.close(code=4401, reason="Unauthorized")
            return
        await super().handle_connection_init(message)


class AuthenticatedLegacyWS(SharedLegacyWS):
    """Legacy graphql-ws: the same authentication at `connection_init`; a refusal is the
    protocol's `connection_error`, then close 4401."""

    async def handle_connection_init(self, message: LegacyConnectionInitMessage) -> None:
        refused = await _authenticated(self, message.get("payload"))
        if refused is not None:
            await self.send_message(
                {"type": "connection_error", "payload": {"message": str(refused)}}
            )
            await self.websocket.close(code=4401, reason="Unauthorized")
            return
        await super().handle_connection_init(message)


class ConciergeGraphQL(GraphQL[RequestContext, None]):
    graphql_transport_ws_handler_class = AuthenticatedTransportWS
    graphql_ws_handler_class = AuthenticatedLegacyWS

    def __init__(self, state: AppState, checks_for: ChecksFor | None = None) -> None:
        settings = state.settings
        limits = Limits(
            max_tokens=settings.max_query_tokens,
            max_depth=settings.max_query_depth,
            timeout_s=settings.operation_timeout_s,
            max_objects=settings.max_result_objects,
            max_aliases=settings.max_query_aliases,
            max_cost=settings.max_query_cost,
            max_page_size=settings.max_page_size,
            max_node_ids=settings.max_node_ids,
            introspection=settings.allows_introspection,
        )
        bounded = limited(schema, limits, fast=settings.fast_execution)
        bounded.extensions = (*bounded.extensions, state.metrics.extension())
        bounded.extensions = (*bounded.extensions, operation_rate_limit(state.limiter))
        if state.tracer_provider is not None:
            bounded.extensions = (*bounded.extensions, operation_tracing(state.tracer_provider))
        super().__init__(
            bounded,
            graphql_ide="graphiql",
            # Real time: legacy graphql-ws "ka" messages and the subscriptions one socket holds.
            keep_alive=True,
            keep_alive_interval=settings.keepalive_s,
            max_subscriptions_per_connection=settings.max_subscriptions_per_connection,
        )
        self._state = state
        self._checks_for = checks_for
        # Subscriptions asking the same thing share one execution (server/feeds.py).
        metrics = state.metrics
        self.feeds: Feeds | None = None
        if settings.shared_subscriptions:
            feeds = Feeds(bounded, metrics.subscription_opened, metrics.subscription_closed)
            metrics.feeds.set_function(lambda: feeds.running)
            self.feeds = feeds
        self.subscriber_queue = settings.subscriber_queue
        self.limiter = state.limiter  # subscriptions take from it when they subscribe

    @property
    def graphql_ide_html(self) -> str:
        return graphiql_html()  # local assets only: Strawberry's page loads them from a CDN

    def encode_json(self, data: object) -> str:
        # Text, not bytes: Strawberry sends bytes as binary WebSocket frames, which
        # graphql-ws clients cannot read (the protocol's messages are text).
        return orjson.dumps(data).decode()

    def create_response(
        self,
        response_data: GraphQLHTTPResponse | list[GraphQLHTTPResponse],
        sub_response: Response,
    ) -> Response:
        # A 300-unit dashboard is ~200 KB of JSON: orjson writes it ~10x faster, and its
        # bytes go out as they are.
        response = Response(
            orjson.dumps(response_data),
            status_code=sub_response.status_code or 200,
            media_type="application/json",
        )
        response.headers.raw.extend(sub_response.headers.raw)
        if sub_response.background:
            response.background = sub_response.background
        return response

    async def get_context(
        self, request: Request | WebSocket, response: Response | WebSocket
    ) -> RequestContext:
        # Built once per HTTP request or WebSocket connection; each operation then gets its
        # own loaders and vendor deadline (`schema.errors.OperationScope`).
        self._state.metrics.graphql_requests.inc()
        backends, services = self._state.backends, self._state.services
        if backends is None or services is None:
            raise RuntimeError("GraphQL request before the server finished starting")
        # A missing or expiring vendor token costs a round trip before any vendor call:
        # renewing it now overlaps that with parsing and validating the document.
        renewals = services.renew_tokens()
        if renewals:
            # Parsing and validating hold the loop for milliseconds: give the renewals time
            # to be sent first (opening a connection here takes about 1.5 ms).
            await asyncio.wait(renewals, timeout=RENEWAL_HEAD_START_S)
        context = RequestContext(
            services=services,
            vendors=[
                VendorEndpoint(name=v.name, api_url=v.api_url, auth_url=v.auth_url, source=v.source)
                for v in backends.vendors.values()
            ],
            sandbox_control_url=backends.sandbox_control_url,
            timeout_s=self._state.settings.request_timeout_s,
        )
        if isinstance(request, WebSocket):
            # Credentials come with `connection_init` (or the handshake's headers); until
            # then the connection sees nothing (and Strawberry runs nothing unacknowledged).
            context.checks = DENY_ALL
            context.operations_rate_limited = True  # no gate in front: each operation counts
            if credential_of(request.headers) is not None:
                # A refusal here waits for connection_init, which may bring good ones.
                with contextlib.suppress(AuthError):
                    await self.authenticate_connection(context, request.headers)
            return context
        principal = request.scope.get("state", {}).get(PRINCIPAL)
        if not isinstance(principal, Principal):
            # Only the IDE's page passes the gate unauthenticated; it reads nothing.
            context.checks = DENY_ALL
            return context
        await self.use_principal(context, principal, request)
        return context

    async def authenticate_connection(self, context: RequestContext, params: Any) -> Principal:
        """For WebSocket `connection_init` and SSE: the one `authenticate`, then the
        principal's checks on `context`. Raises `AuthError` (close 4401 / HTTP 401)."""
        authenticator = self._state.authenticator
        if authenticator is None:
            raise AuthError("The server is starting.")
        principal = await authenticator.authenticate(params)
        await self.use_principal(context, principal, None)
        return principal

    async def use_principal(
        self, context: RequestContext, principal: Principal, request: Request | WebSocket | None
    ) -> None:
        context.principal = principal.id
        context.resident = principal.id if principal.role == "tenant" else None
        if self._checks_for is not None and request is not None:
            context.checks = self._checks_for(request)  # a test's own checks
        else:
            context.checks = await checks_for_principal(context, principal)


def create_app(
    settings: Settings,
    *,
    checks_for: ChecksFor | None = None,
    tracer: TracerProvider | None = None,
) -> Starlette:
    """The ASGI app; `checks_for` (tests) replaces, per request, the principal's checks;
    `tracer` (tests) replaces the provider the tracing settings would build."""
    state = AppState(settings=settings)
    owned_tracer = tracer is None
    state.tracer_provider = tracer if tracer is not None else tracer_provider(settings)
    webhook_secret = settings.webhook_secret or secrets.token_hex(16)
    graphql = ConciergeGraphQL(state, checks_for)

    @contextlib.asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        state.http = aiohttp.ClientSession(
            trace_configs=client_trace_configs(state.tracer_provider)
        )
        try:
            # Migrated before anything else: no request ever meets an old schema.
            state.store = await open_store(settings)
            state.authenticator = Authenticator(settings, state.store.api_keys, state.http)
            state.backends = await open_backends(settings, state.http)
            shared = None
            if settings.redis_url is not None:
                state.redis, shared = shared_cache(settings, state.store.token_key)
                state.limiter.share(state.redis)  # one bucket per principal for all replicas
            state.services = build_services(
                settings, state.backends, state.http, store=state.store, shared_cache=shared
            )
            if shared is not None:
                state.services.tasks.start(
                    shared.listen(state.services.cache.drop_local), name="cache invalidations"
                )
            state.linking = _linking(settings, state)
            state.services.residents = state.linking.residents if state.linking else None
            state.metrics.observe(state.services, VendorLog())
            # Readiness waits for these to finish; no request has to.
            state.first_tokens = {
                c.tokens.vendor: state.services.tasks.start(
                    _first_token(c.tokens), name=f"first {c.tokens.vendor} token"
                )
                for c in (
                    state.services.butterflymx,
                    state.services.remotelock,
                    state.services.butlr,
                )
            }
            # Attempts a previous run left unsettled are watched again, never resent.
            await resume_confirmations(state.services)
            state.ingress = Ingress(state.services)
            if settings.webhooks_register:
                public = settings.public_url or f"http://{settings.host}:{settings.port}"
                state.services.tasks.start(
                    register_webhooks(state.services, public_url=public, secret=webhook_secret),
                    name="register webhooks",
                )
                state.services.tasks.start(
                    state.ingress.backfill_remotelock(), name="back-fill remotelock"
                )
                state.services.tasks.start(
                    state.ingress.backfill_butterflymx(), name="back-fill butterflymx"
                )
            with frozen_heap():
                yield
        finally:
            if state.services is not None:
                await state.services.close()
            state.services = None
            if state.redis is not None:
                state.limiter.share(None)
                await state.redis.aclose()
                state.redis = None
            state.ingress = None
            if state.store is not None:
                await state.store.close()
                state.store = None
            if state.backends is not None:
                await state.backends.close()
                state.backends = None
            await state.http.close()
            if owned_tracer and state.tracer_provider is not None:
                state.tracer_provider.shutdown()  # exports what is still batched

    async def healthz(request: Request) -> Response:
        return JSONResponse({"status": "ok", "uptime_s": round(time.time() - state.started_at, 1)})

    async def readyz(request: Request) -> Response:
        first = [f for f in state.first_tokens.values() if not f.done()]
        if first:
            await asyncio.wait(first, timeout=READY_WAIT_S)
        waiting = state.waiting_for()
        if not state.ready or waiting or state.backends is None:
            return JSONResponse({"status": "starting", "waiting_for": waiting}, status_code=503)
        body: dict[str, Any] = {
            "status": "ready",
            "vendors": {n: v.source for n, v in state.backends.vendors.items()},
            "tokens": state.token_states(),
        }
        return JSONResponse(body)

    async def metrics(request: Request) -> Response:
        body, content_type = state.metrics.exposition()
        return Response(body, headers={"Content-Type": content_type})

    # Real time: SSE beside HTTP on /graphql; open streams and sockets bounded per client.
    slots = ClientSlots(settings.max_connections_per_client)

    async def sse_context(request: Request) -> RequestContext:
        return await graphql.get_context(request, Response())

    # Authentication, rate and size limits first; then SSE streams or plain HTTP.
    gate = GraphQLGate(
        SSEOrHTTP(graphql, sse_context, slots, settings.keepalive_s),
        lambda: state.authenticator,
        state.limiter,
        settings.max_body_bytes,
    )

    def start_background(work: Coroutine[Any, Any, bool], name: str) -> None:
        if state.services is None or state.services.tasks.closed:
            work.close()  # stopping: the vendor redelivers what we did not answer for
            return
        state.services.tasks.start(work, name=name)

    app = Starlette(
        routes=[
            Route("/graphql", gate, methods=["GET", "POST"]),
            WebSocketRoute("/graphql", LimitedWebSockets(graphql, slots)),
            *link_routes(lambda: state.linking),
            Route("/healthz", healthz),
            Route("/readyz", readyz),
            Route("/metrics", metrics),
            assets_route(),
            *webhook_routes(
                lambda: state.ingress,
                start_background,
                secret=webhook_secret,
                max_body_bytes=settings.webhook_max_body_bytes,
                counted=state.metrics.webhook_delivered,
            ),
        ],
        lifespan=lifespan,
        middleware=[Middleware(RequestLogMiddleware)],
    )
    app.state.concierge = state
    return app


async def _first_token(tokens: TokenManager) -> None:
    """Load or renew a vendor's token once at start-up; a failure is the vendor's state
    (logged by the token manager, reported by `/readyz`), not the server's."""
    with contextlib.suppress(VendorError):
        await tokens.token()


def _linking(settings: Settings, state: AppState) -> Linking | None:
    """Resident account linking, when ButterflyMX has an OAuth client to link with."""
    assert state.backends is not None
    assert state.store is not None
    assert state.http is not None
    assert state.authenticator is not None
    vendor = state.backends.vendors.get("butterflymx")
    if vendor is None or not vendor.credentials.get("client_id"):
        return None
    build = auth_factory(
        VendorHTTP("butterflymx", state.http),
        vendor.auth_url,
        vendor.credentials["client_id"],
        vendor.credentials.get("client_secret", ""),
    )
    return Linking(state.store, build, state.authenticator, settings.link_redirect_uri)
