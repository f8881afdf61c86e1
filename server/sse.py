"""GraphQL over Server-Sent Events (graphql-sse, "distinct connections" mode).

`POST /graphql` with `Accept: text/event-stream` and the usual JSON body answers a stream:
`event: next` with each result, then `event: complete`. A comment line every
`keepalive_s` keeps proxies from closing an idle stream. One operation per connection; the
number of open streams (and WebSockets) per client address is bounded by `ClientSlots`.
"""

from __future__ import annotations

import asyncio
from collections import Counter
from collections.abc import AsyncGenerator, AsyncIterator, Awaitable, Callable
from typing import Any

import orjson
from graphql import GraphQLError, OperationType, get_operation_ast, parse
from starlette.requests import Request
from starlette.responses import JSONResponse, Response, StreamingResponse
from starlette.types import Receive, Scope, Send
from strawberry.types import ExecutionResult
from strawberry.types.execution import PreExecutionError

from concierge.resolvers.context import RequestContext
from concierge.server.feeds import (
    Errors,
    Feeds,
    Outbox,
    SlowReaderError,
    payload_of,
    shape_of,
)


class ClientSlots:
    """Open real-time connections per client address."""

    def __init__(self, limit: int) -> None:
        self.limit = limit
        self._open: Counter[str] = Counter()

    def take(self, client: str) -> bool:
        if self._open[client] >= self.limit:
            return False
        self._open[client] += 1
        return True

    def give_back(self, client: str) -> None:
        self._open[client] -= 1
        if self._open[client] <= 0:
            del self._open[client]


def client_of(scope: Scope) -> str:
    client = scope.get("client")
    return str(client[0]) if client else "unknown"


def wants_sse(request: Request) -> bool:
    return request.method == "POST" and "text/event-stream" in request.headers.get("accept", "")


def _frame(event: str, data: Any) -> bytes:
    body = orjson.dumps(data).decode() if data is not None else ""
    return f"event: {event}\ndata: {body}\n\n".encode()


class _StreamMember:
    """An SSE stream's membership of its feed: each payload becomes an `event: next`."""

    __slots__ = ("outbox",)

    def __init__(self, outbox: Outbox) -> None:
        self.outbox = outbox

    def next(self, payload: bytes) -> None:
        self.outbox.put(b"event: next\ndata: " + payload + b"\n\n")

    def error(self, errors: Errors) -> None:
        self.outbox.put(_frame("next", {"errors": errors}), final=True)
        self.outbox.put(None, final=True)

    def complete(self) -> None:
        self.outbox.put(None, final=True)


TOO_SLOW = {
    "message": "subscriber too slow: more events unread than the server keeps",
    "extensions": {"code": "SUBSCRIBER_TOO_SLOW"},
}


async def serve_sse(
    request: Request,
    schema: Any,
    context: Callable[[Request], Awaitable[RequestContext]],
    slots: ClientSlots,
    keepalive_s: float,
    feeds: Feeds | None,
    subscriber_queue: int,
) -> Response:
    try:
        body = orjson.loads(await request.body())
        query = str(body["query"])
        variables = body.get("variables")
        operation_name = body.get("operationName")
        document = parse(query)
    except (orjson.JSONDecodeError, KeyError, TypeError, AttributeError) as exc:
        return JSONResponse({"errors": [{"message": f"bad request: {exc}"}]}, status_code=400)
    except GraphQLError as exc:
        return JSONResponse({"errors": [exc.formatted]}, status_code=400)
    client = client_of(request.scope)
    if not slots.take(client):
        return JSONResponse(
            {"errors": [{"message": f"more than {slots.limit} open streams from {client}"}]},
            status_code=429,
        )
    operation = get_operation_ast(document, operation_name)
    is_subscription = operation is not None and operation.operation == OperationType.SUBSCRIPTION

    shape = shape_of(operation)

    async def results() -> AsyncIterator[dict[str, Any]]:
        ctx = await context(request)
        if not is_subscription:
            yield payload_of(
                await schema.execute(query, variables, ctx, operation_name=operation_name)
            )
            return
        stream = await schema.subscribe(query, variables, ctx, operation_name=operation_name)
        if isinstance(stream, (ExecutionResult, PreExecutionError)):
            yield payload_of(stream)
            return
        try:
            async for item in stream:
                yield payload_of(item)
        finally:
            await stream.aclose()

    async def own_frames(outbox: Outbox) -> None:
        """An operation no feed serves (a query, a mutation): its own execution."""
        try:
            async for item in results():
                outbox.put(_frame("next", item))
        finally:
            outbox.put(None, final=True)

    async def frames() -> AsyncGenerator[bytes, None]:
        outbox = Outbox(lambda: subscriber_queue)
        task: asyncio.Future[None] | None = None
        leave = None
        if feeds is not None and shape is not None and isinstance(variables, (dict, type(None))):
            member = _StreamMember(outbox)
            leave = feeds.join(
                shape, query, variables, operation_name, await context(request), member
            )
        else:
            task = asyncio.ensure_future(own_frames(outbox))
        try:
            while True:
                try:
                    async with asyncio.timeout(keepalive_s):
                        frame = await outbox.get()
                except TimeoutError:
                    yield b":\n\n"  # keep-alive comment
                    continue
                except SlowReaderError:
                    yield _frame("next", {"errors": [TOO_SLOW]})
                    break
                if frame is None:
                    break
                yield frame
            if task is not None:
                await task  # an error in the operation surfaces here, not silently
            yield _frame("complete", None)
        finally:
            if task is not None:
                task.cancel()
            if leave is not None:
                leave()
            slots.give_back(client)

    return StreamingResponse(
        frames(),
        media_type="text/event-stream",
        headers={"cache-control": "no-cache", "x-accel-buffering": "no"},
    )


class LimitedWebSockets:
    """ASGI wrapper: a WebSocket over the per-client limit is refused (close 1013)."""

    def __init__(self, app: Any, slots: ClientSlots) -> None:
        self.app = app
        self.slots = slots

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        client = client_of(scope)
        if not self.slots.take(client):
            await receive()  # websocket.connect
            await send({"type": "websocket.close", "code": 1013, "reason": "too many connections"})
            return
        try:
            await self.app(scope, receive, send)
        finally:
            self.slots.give_back(client)


class SSEOrHTTP:
    """ASGI app for `/graphql` over HTTP: SSE when asked for, the GraphQL app otherwise."""

    def __init__(
        self,
        graphql: Any,
        context: Callable[[Request], Awaitable[RequestContext]],
        slots: ClientSlots,
        keepalive_s: float,
    ) -> None:
        self.graphql = graphql
        self.context = context
        self.slots = slots
        self.keepalive_s = keepalive_s

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        request = Request(scope, receive)
        if wants_sse(request):
            view = self.graphql
            response = await serve_sse(
                *(request, view.schema, self.context, self.slots, self.keepalive_s),
                *(view.feeds, view.subscriber_queue),
            )
            await response(scope, receive, send)
            return
        await self.graphql(scope, receive, send)


SHUTDOWN_REASON = "the server is shutting down"


def ending_subscriptions_server(config: Any) -> Any:
    """A uvicorn server that ends every subscription (with a reason) before it waits for
    connections to close: an open SSE stream would otherwise hold the shutdown forever, and
    WebSocket clients would see only close code 1012."""
    import uvicorn

    class Server(uvicorn.Server):
        async def shutdown(self, sockets: Any = None) -> None:
            state = getattr(getattr(config.app, "state", None), "concierge", None)
            services = getattr(state, "services", None)
            if services is not None:
                await services.bus.close(SHUTDOWN_REASON)
                await asyncio.sleep(0.2)  # let each stream send its last frames
            await super().shutdown(sockets)

    return Server(config)
