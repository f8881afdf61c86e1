"""Both WebSocket protocols with subscriptions served from shared feeds (`server.feeds`).

A subscription becomes a member of its feed instead of a task of its own: it costs a few
hundred bytes while idle, and an event costs it one framed message. Each connection writes
its messages in order from one outbox, by one task; a connection whose outbox overflows
(`subscriber_queue` messages behind per subscription) reads too slowly and is closed with
code 1008 and the reason, the other connections unaffected. Queries and mutations sent
over a socket, and documents that do not parse, keep Strawberry's own path, as does every
subscription with `shared_subscriptions = false` (tests compare the two paths' messages).
A subscription takes from its principal's rate limit when it subscribes, on either path.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Callable
from typing import Any, Protocol

import orjson
from strawberry.http.exceptions import WebSocketDisconnected
from strawberry.subscriptions.protocols.graphql_transport_ws.handlers import (
    BaseGraphQLTransportWSHandler,
    Operation,
)
from strawberry.subscriptions.protocols.graphql_transport_ws.types import SubscribeMessage
from strawberry.subscriptions.protocols.graphql_ws.handlers import BaseGraphQLWSHandler
from strawberry.subscriptions.protocols.graphql_ws.types import StartMessage

from concierge.resolvers.context import RequestContext
from concierge.server.feeds import Errors, Feeds, Outbox, Shape, SlowReaderError, subscription_shape
from concierge.server.ratelimit import RateLimiter, operation_refused

TOO_SLOW = 1008  # policy violation: the client did not read what it subscribed to


class FeedView(Protocol):
    feeds: Feeds | None  # None: every subscription on Strawberry's own path
    subscriber_queue: int
    limiter: RateLimiter


def _shape(payload: Any) -> tuple[Shape, str, dict[str, Any] | None, str | None] | None:
    if not isinstance(payload, dict):
        return None
    query, variables, name = (
        payload.get("query"),
        payload.get("variables"),
        payload.get("operationName"),
    )
    if not isinstance(query, str) or not isinstance(variables, (dict, type(None))):
        return None
    if not isinstance(name, (str, type(None))):
        return None
    shape = subscription_shape(query, name)
    return None if shape is None else (shape, query, variables, name)


class _Member:
    """One subscription of a connection in a feed: frames the feed's payloads."""

    __slots__ = ("connection", "id", "leave")

    def __init__(self, connection: _Connection, id: str) -> None:
        self.connection = connection
        self.id = id
        self.leave: Callable[[], None] = lambda: None

    def next(self, payload: bytes) -> None:
        self.connection.send(
            {"id": self.id, "type": self.connection.next_type, "payload": orjson.Fragment(payload)}
        )

    def error(self, errors: Errors) -> None:
        self.connection.end(
            self.id,
            {"id": self.id, "type": "error", "payload": self.connection.error_payload(errors)},
        )

    def complete(self) -> None:
        self.connection.end(self.id, {"id": self.id, "type": "complete"})


class _Connection:
    """A socket's shared subscriptions and the one task writing their messages."""

    def __init__(
        self,
        handler: Any,
        next_type: str,
        error_payload: Callable[[Errors], Any],
        forget: Callable[[str], object] = lambda op_id: None,
    ) -> None:
        """`forget(id)`: the protocol's own bookkeeping lets go of an operation ID."""
        self.handler = handler
        self.view: FeedView = handler.view
        self.next_type = next_type
        self.error_payload = error_payload
        self.forget = forget
        self.members: dict[str, _Member] = {}
        self.outbox = Outbox(lambda: self.view.subscriber_queue * max(1, len(self.members)))
        self.writer: asyncio.Task[None] | None = None
        self.dropped = False

    def join(
        self,
        op_id: str,
        shape: Shape,
        query: str,
        variables: dict[str, Any] | None,
        name: str | None,
    ) -> None:
        member = _Member(self, op_id)
        self.members[op_id] = member
        context: RequestContext = self.handler.context
        assert self.view.feeds is not None  # `_shape` sends nothing here otherwise
        member.leave = self.view.feeds.join(shape, query, variables, name, context, member)

    def leave(self, op_id: str) -> bool:
        member = self.members.pop(op_id, None)
        if member is None:
            return False
        member.leave()
        return True

    def end(self, op_id: str, message: dict[str, Any]) -> None:
        """The feed ended: forget the ID first (a client may reuse it at once), then say so."""
        if self.members.pop(op_id, None) is not None:
            self.forget(op_id)
            self.send(message, final=True)

    def send(self, message: dict[str, Any], *, final: bool = False) -> None:
        if self.outbox.put(message, final=final):
            if self.writer is None:
                self.writer = asyncio.ensure_future(self._write())
        elif self.outbox.overflowed and not self.dropped:
            self._drop()

    async def _write(self) -> None:
        with contextlib.suppress(SlowReaderError, WebSocketDisconnected, RuntimeError, OSError):
            while True:
                await self.handler.send_message(await self.outbox.get())

    def _drop(self) -> None:
        """Too slow: out of every feed now, and the socket closed with the reason (the
        writer may be waiting on a client that does not read: it is cancelled)."""
        self.dropped = True
        for op_id in list(self.members):
            self.leave(op_id)
            self.forget(op_id)
        if self.writer is not None:
            self.writer.cancel()
        behind = self.view.subscriber_queue
        reason = f"subscriber too slow: over {behind} messages unread per subscription"
        self.writer = asyncio.ensure_future(self._close(reason))

    async def _close(self, reason: str) -> None:
        with contextlib.suppress(Exception):
            await self.handler.websocket.close(code=TOO_SLOW, reason=reason)

    async def close(self) -> None:
        for op_id in list(self.members):
            self.leave(op_id)
        if self.writer is not None:
            self.writer.cancel()
            with contextlib.suppress(BaseException):
                await self.writer


class SharedTransportWS(BaseGraphQLTransportWSHandler[RequestContext, None]):
    """graphql-transport-ws: a subscription joins its feed; `complete` leaves it."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.shared = _Connection(
            self, "next", lambda errors: errors, lambda op_id: self.operations.pop(op_id, None)
        )

    async def handle_subscribe(self, message: SubscribeMessage) -> None:
        found = _shape(message.get("payload"))
        limit = self.max_subscriptions_per_connection
        if (
            found is None
            or not self.connection_acknowledged
            or message["id"] in self.operations
            or (limit is not None and len(self.operations) >= limit)
        ):
            await super().handle_subscribe(message)  # Strawberry's path, and its refusals
            return
        shape, query, variables, name = found
        op_id = message["id"]
        refused = await operation_refused(self.shared.view.limiter, self.context)
        if refused is not None:
            await self.send_message({"id": op_id, "type": "error", "payload": [refused.formatted]})
            return
        if self.shared.view.feeds is None:
            await super().handle_subscribe(message)  # shared_subscriptions off
            return
        self.operations[op_id] = Operation(self, op_id, query, variables, name)
        self.shared.join(op_id, shape, query, variables, name)

    async def cleanup_operation(self, operation_id: str) -> None:
        if self.shared.leave(operation_id):
            self.operations.pop(operation_id, None)
            return
        await super().cleanup_operation(operation_id)

    async def shutdown(self) -> None:
        await super().shutdown()
        await self.shared.close()


class SharedLegacyWS(BaseGraphQLWSHandler[RequestContext, None]):
    """Legacy graphql-ws: `start` joins the feed; `stop` leaves it and is answered `complete`."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.shared = _Connection(self, "data", lambda errors: errors[0] if errors else {})

    async def handle_start(self, message: StartMessage) -> None:
        found = _shape(message.get("payload"))
        if found is None or not self.connection_acknowledged:
            await super().handle_start(message)
            return
        op_id = message["id"]
        if op_id in self.tasks or op_id in self.shared.members:
            await self.cleanup_operation(op_id)
        limit = self.max_subscriptions_per_connection
        if limit is not None and len(self.tasks) + len(self.shared.members) >= limit:
            await self.send_message(
                {"type": "error", "id": op_id, "payload": {"message": "Subscription limit reached"}}
            )
            return
        shape, query, variables, name = found
        refused = await operation_refused(self.shared.view.limiter, self.context)
        if refused is not None:
            await self.send_message({"type": "error", "id": op_id, "payload": refused.formatted})
            return
        if self.shared.view.feeds is None:
            await super().handle_start(message)  # shared_subscriptions off
            return
        self.shared.join(op_id, shape, query, variables, name)

    async def cleanup_operation(self, operation_id: str) -> None:
        if self.shared.leave(operation_id):
            self.shared.send({"type": "complete", "id": operation_id}, final=True)
            return
        await super().cleanup_operation(operation_id)

    async def cleanup(self) -> None:
        await self.shared.close()  # the socket is closing: nothing more to say
        await super().cleanup()
