"""Shared subscriptions: one execution per distinct subscription, however many subscribe.

Ten thousand clients watching one room ask the same question: the same document, the same
variables, and (for the answer to be the same) the same view of the graph. A `Feed` runs
that subscription once — its resolver, each event's execution, the JSON encoding — and
hands the encoded payload to every member; a member frames it for its own transport
(graphql-transport-ws `next`, legacy graphql-ws `data`, an SSE `event: next`) and queues it
without waiting, so a slow reader never holds up the others. The first member's context
runs the feed: members share a feed only when their principals see the same objects
(`visibility`), so nothing one of them may not see reaches another.

Stateful streams (`schema.subscriptions.REPLAYS_CURRENT`) give a member who joins a
running feed its latest payload at once, as a fresh subscription would have had; event
streams (new calls, door events) do not replay the past.
"""

from __future__ import annotations

import asyncio
import logging
from collections import deque
from collections.abc import Callable, Hashable
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any, Protocol

import orjson
from graphql import GraphQLError, OperationType, get_operation_ast, parse
from graphql.language import FieldNode, OperationDefinitionNode
from strawberry.types import ExecutionResult
from strawberry.types.execution import PreExecutionError

from concierge.resolvers.checks import ADMIT_ALL, ObjectChecks
from concierge.resolvers.context import RequestContext
from concierge.resolvers.principals import PrincipalChecks
from concierge.schema.subscriptions import REPLAYS_CURRENT

log = logging.getLogger(__name__)

Errors = list[dict[str, Any]]


class Member(Protocol):
    """One subscriber of a feed. Each method queues and returns at once; `payload` is a
    result's JSON (`{"data": ..., "errors": ...}`), encoded once for every member."""

    def next(self, payload: bytes) -> None: ...

    def error(self, errors: Errors) -> None: ...

    def complete(self) -> None: ...


@dataclass(frozen=True)
class Shape:
    root_field: str
    replays: bool


# Documents read here before Strawberry's own limits: a bigger one takes Strawberry's path
# (unshared, and refused there if over the configured limits), and only small ones are
# remembered, so no client can fill the cache with large documents.
SHAPE_MAX_TOKENS = 10_000  # the default `max_query_tokens`
CACHED_UP_TO_CHARS = 4_096


def subscription_shape(query: str, operation_name: str | None) -> Shape | None:
    """The subscription's root field, when `query` parses and names a subscription; None
    sends the operation down Strawberry's own path (queries, mutations, syntax errors)."""
    if len(query) <= CACHED_UP_TO_CHARS:
        return _cached_shape(query, operation_name)
    return _shape(query, operation_name)


@lru_cache(maxsize=512)
def _cached_shape(query: str, operation_name: str | None) -> Shape | None:
    return _shape(query, operation_name)


def _shape(query: str, operation_name: str | None) -> Shape | None:
    try:
        operation = get_operation_ast(parse(query, max_tokens=SHAPE_MAX_TOKENS), operation_name)
    except GraphQLError:
        return None
    return shape_of(operation)


def shape_of(operation: OperationDefinitionNode | None) -> Shape | None:
    """The same, of an operation already parsed."""
    if operation is None or operation.operation != OperationType.SUBSCRIPTION:
        return None
    fields = [s for s in operation.selection_set.selections if isinstance(s, FieldNode)]
    if len(fields) != 1:
        return None  # validation refuses it: Strawberry's path says so
    name = fields[0].name.value
    return Shape(root_field=name, replays=name in REPLAYS_CURRENT)


def visibility(checks: ObjectChecks) -> Hashable:
    """What the principal behind `checks` may see, as a key: equal keys, equal answers."""
    if checks is ADMIT_ALL:
        return ("all",)
    if isinstance(checks, PrincipalChecks):
        if checks.principal.sees_everything:
            return ("all",)  # its checks admit every object, as ADMIT_ALL does
        # Anyone else's own records (their unlock attempts) are theirs alone: the
        # principal itself, with the scope its credential carried this time.
        return ("principal", checks.principal.id, checks.scope_key())
    return ("checks", id(checks))  # a test's own checks: alive while its feed is


def payload_of(result: ExecutionResult | PreExecutionError) -> dict[str, Any]:
    out: dict[str, Any] = {}
    if isinstance(result, ExecutionResult):
        out["data"] = result.data
    if result.errors:
        out["errors"] = [e.formatted for e in result.errors]
    if result.extensions:
        out["extensions"] = result.extensions
    return out


Key = tuple[str, str | None, bytes, Hashable]


@dataclass(eq=False)
class Feed:
    key: Key
    root_field: str
    replays: bool
    members: dict[Member, None] = field(default_factory=dict)  # insertion-ordered set
    last: bytes | None = None
    task: asyncio.Task[None] | None = None


class Feeds:
    """The running feeds of one server; `join` is the only way in."""

    def __init__(
        self,
        schema: Any,
        opened: Callable[[str], None] = lambda field: None,
        closed: Callable[[str], None] = lambda field: None,
    ) -> None:
        self.schema = schema
        self._feeds: dict[Key, Feed] = {}
        self._opened, self._closed = opened, closed  # per subscriber, by root field

    @property
    def running(self) -> int:
        return len(self._feeds)

    def join(
        self,
        shape: Shape,
        query: str,
        variables: dict[str, Any] | None,
        operation_name: str | None,
        context: RequestContext,
        member: Member,
    ) -> Callable[[], None]:
        """Add `member` to the feed of this subscription (starting it if none runs);
        returns the function that takes it out again."""
        key: Key = (
            query,
            operation_name,
            orjson.dumps(variables or {}, option=orjson.OPT_SORT_KEYS),
            visibility(context.checks),
        )
        feed = self._feeds.get(key)
        if feed is None:
            feed = Feed(key=key, root_field=shape.root_field, replays=shape.replays)
            self._feeds[key] = feed
            feed.members[member] = None
            feed.task = asyncio.ensure_future(
                self._run(feed, query, variables, operation_name, context)
            )
        else:
            feed.members[member] = None
            if feed.last is not None:
                member.next(feed.last)
        self._opened(shape.root_field)
        return lambda: self._leave(feed, member)

    def _leave(self, feed: Feed, member: Member) -> None:
        if member in feed.members:
            del feed.members[member]
            self._closed(feed.root_field)
        if feed.members or self._feeds.get(feed.key) is not feed:
            return
        del self._feeds[feed.key]  # the next subscriber starts afresh
        if feed.task is not None:
            feed.task.cancel()

    async def _run(
        self,
        feed: Feed,
        query: str,
        variables: dict[str, Any] | None,
        operation_name: str | None,
        context: RequestContext,
    ) -> None:
        ended: Errors | None = None
        try:
            stream = await self.schema.subscribe(
                query, variables, context, operation_name=operation_name
            )
            if isinstance(stream, (ExecutionResult, PreExecutionError)):
                stream = _single(stream)
            first = True
            try:
                async for result in stream:
                    if first and isinstance(result, PreExecutionError):
                        ended = [dict(e.formatted) for e in result.errors or []]
                        break
                    first = False
                    payload = orjson.dumps(payload_of(result))
                    if feed.replays:
                        feed.last = payload
                    for member in list(feed.members):
                        member.next(payload)
            finally:
                await stream.aclose()
        except asyncio.CancelledError:
            raise  # the last member left
        except Exception:
            log.exception("subscription feed failed: %s", query)
            ended = [{"message": "Internal error", "extensions": {"code": "INTERNAL"}}]
        finally:
            if self._feeds.get(feed.key) is feed:
                del self._feeds[feed.key]
        members = list(feed.members)
        feed.members.clear()
        for member in members:
            self._closed(feed.root_field)
            if ended is not None:
                member.error(ended)
            else:
                member.complete()


async def _single(result: ExecutionResult | PreExecutionError) -> Any:
    yield result


class Outbox:
    """A connection's messages not yet written, in order, bounded by `limit()`. Past the
    limit the reader is too slow: `overflowed` is set and nothing more is queued."""

    __slots__ = ("_items", "_limit", "_wake", "overflowed")

    def __init__(self, limit: Callable[[], int]) -> None:
        self._items: deque[Any] = deque()
        self._limit = limit
        self._wake = asyncio.Event()
        self.overflowed = False

    def put(self, item: Any, *, final: bool = False) -> bool:
        """Queue `item`; False when the reader is too slow (a `final` item, a stream's last
        message, is queued regardless)."""
        if self.overflowed:
            return False
        if not final and len(self._items) >= self._limit():
            self.overflowed = True
            self._items.clear()
            self._wake.set()
            return False
        self._items.append(item)
        self._wake.set()
        return True

    async def get(self) -> Any:
        """The next item; raises `SlowReaderError` once the outbox overflowed."""
        while not self._items:
            if self.overflowed:
                raise SlowReaderError
            self._wake.clear()
            await self._wake.wait()
        return self._items.popleft()


class SlowReaderError(Exception):
    pass
