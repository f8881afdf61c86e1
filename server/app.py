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
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, PlainTextResponse, Response
from starlette.routing import Route, WebSocketRoute
from starlette.websockets import WebSocket
from strawberry.asgi import GraphQL
from strawberry.http import GraphQLHTTPResponse

from resolvers.checks import ADMIT_ALL, ObjectChecks
from resolvers.confirmations import resume_confirmations
from resolvers.context import RequestContext, VendorEndpoint
from resolvers.ingress import Ingress
from resolvers.registration import register_webhooks
from resolvers.services import Services
from resolvers.store.sql import SqlStore
from schema import schema
from schema.budget import limited
from schema.limits import Limits
from server.backends import Backends, open_backends
from server.heap import frozen_heap
from server.settings import Settings
from server.store import open_store
from server.vendors import build_services
from server.webhooks import webhook_routes


@dataclass
class AppState:
    """Shared resources created by the lifespan and closed with it."""

    settings: Settings
    started_at: float = field(default_factory=time.time)
    http: aiohttp.ClientSession | None = None
    backends: Backends | None = None
    services: Services | None = None
    store: SqlStore | None = None  # opened and migrated: readiness waits for it
    ingress: Ingress | None = None
    graphql_requests: int = 0

    @property
    def ready(self) -> bool:
        return self.services is not None and self.store is not None


RENEWAL_HEAD_START_S = 0.002

# What a request may see, from the request (its principal); every object passes it.
ChecksFor = Callable[[Request | WebSocket], ObjectChecks]


def admit_all(request: Request | WebSocket) -> ObjectChecks:
    return ADMIT_ALL


class ConciergeGraphQL(GraphQL[RequestContext, None]):
    def __init__(self, state: AppState, checks_for: ChecksFor = admit_all) -> None:
        settings = state.settings
        limits = Limits(
            max_tokens=settings.max_query_tokens,
            max_depth=settings.max_query_depth,
            timeout_s=settings.operation_timeout_s,
            max_objects=settings.max_result_objects,
        )
        super().__init__(
            limited(schema, limits, fast=settings.fast_execution), graphql_ide="graphiql"
        )
        self._state = state
        self._checks_for = checks_for

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
        self._state.graphql_requests += 1
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
        return RequestContext(
            services=services,
            vendors=[
                VendorEndpoint(name=v.name, api_url=v.api_url, auth_url=v.auth_url, source=v.source)
                for v in backends.vendors.values()
            ],
            sandbox_control_url=backends.sandbox_control_url,
            checks=self._checks_for(request),
            timeout_s=self._state.settings.request_timeout_s,
        )


def create_app(settings: Settings, *, checks_for: ChecksFor = admit_all) -> Starlette:
    """The ASGI app; `checks_for` decides, per request, which objects it may see."""
    state = AppState(settings=settings)
    webhook_secret = settings.webhook_secret or secrets.token_hex(16)
    graphql = ConciergeGraphQL(state, checks_for)

    @contextlib.asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        state.http = aiohttp.ClientSession()
        try:
            # Migrated before anything else: no request ever meets an old schema.
            state.store = await open_store(settings)
            state.backends = await open_backends(settings, state.http)
            state.services = build_services(settings, state.backends, state.http, store=state.store)
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
            with frozen_heap():
                yield
        finally:
            if state.services is not None:
                await state.services.close()
            state.services = None
            state.ingress = None
            if state.store is not None:
                await state.store.close()
                state.store = None
            if state.backends is not None:
                await state.backends.close()
                state.backends = None
            await state.http.close()

    async def healthz(request: Request) -> Response:
        return JSONResponse({"status": "ok", "uptime_s": round(time.time() - state.started_at, 1)})

    async def readyz(request: Request) -> Response:
        if not state.ready:
            return JSONResponse({"status": "starting"}, status_code=503)
        assert state.backends is not None
        body: dict[str, Any] = {
            "status": "ready",
            "vendors": {n: v.source for n, v in state.backends.vendors.items()},
        }
        return JSONResponse(body)

    async def metrics(request: Request) -> Response:
        lines = [
            "# HELP concierge_uptime_seconds Seconds since the server started.",
            "# TYPE concierge_uptime_seconds gauge",
            f"concierge_uptime_seconds {time.time() - state.started_at:.1f}",
            "# HELP concierge_graphql_requests_total GraphQL operations received.",
            "# TYPE concierge_graphql_requests_total counter",
            f"concierge_graphql_requests_total {state.graphql_requests}",
        ]
        return PlainTextResponse("\n".join(lines) + "\n", media_type="text/plain; version=0.0.4")

    def start_background(work: Coroutine[Any, Any, bool], name: str) -> None:
        if state.services is None or state.services.tasks.closed:
            work.close()  # stopping: the vendor redelivers what we did not answer for
            return
        state.services.tasks.start(work, name=name)

    app = Starlette(
        routes=[
            Route("/graphql", graphql, methods=["GET", "POST"]),
            WebSocketRoute("/graphql", graphql),
            Route("/healthz", healthz),
            Route("/readyz", readyz),
            Route("/metrics", metrics),
            *webhook_routes(
                lambda: state.ingress,
                start_background,
                secret=webhook_secret,
                max_body_bytes=settings.webhook_max_body_bytes,
            ),
        ],
        lifespan=lifespan,
    )
    app.state.concierge = state
    return app
