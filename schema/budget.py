"""The time and size bounds of one operation's completion, and the event loop's share.

Completing a result runs in our own code between rare awaits (a `doors { building { doors
... } }` query grows as doors^levels), so an asyncio timeout would not fire and every
other request would wait. `BoundedExecutionContext` counts the objects it completes and,
every `CHECK_EVERY`, looks at the clock: past `Limits.timeout_s` or `Limits.max_objects`
the operation ends with one typed error and no data. Meanwhile, when the event loop has
not had a turn for `SLICE_S`, the objects and resolvers still to run wait for one, so
health checks and other requests are answered while a large result is being built.
"""

from __future__ import annotations

import asyncio
import inspect
import time
from typing import Any, ClassVar, TypeVar

from graphql import GraphQLObjectType, GraphQLOutputType
from graphql.execution.collect_fields import FieldDetailsList, GroupedFieldSet
from graphql.execution.executor import CollectedErrors
from graphql.pyutils import Path
from strawberry import Schema
from strawberry.schema.schema import StrawberryGraphQLCoreExecutionContext

from concierge.schema.limits import (
    OPERATION_TIMEOUT,
    RESULT_TOO_LARGE,
    LimitError,
    Limits,
    document_limits,
    is_document_limits,
)

CHECK_EVERY = 256  # objects between looks at the clock: 256 take ~5-20 ms to complete
SLICE_S = 0.02  # the longest stretch one operation holds the event loop (healthz needs ~5 turns)


class BoundedExecutionContext(StrawberryGraphQLCoreExecutionContext):
    """Strawberry's execution context, with the time and size bounds of `limits`."""

    limits: ClassVar[Limits] = Limits()

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._start_budget()

    def _start_budget(self) -> None:
        self._objects = 0
        self._next_check = min(CHECK_EVERY, self.limits.max_objects + 1)
        self._deadline = time.monotonic() + self.limits.timeout_s
        self._ended: LimitError | None = None
        self._waiting_since: float | None = None  # a turn of the loop was asked for then
        self._yielding = False
        self._turned = asyncio.Event()
        try:
            self._loop: asyncio.AbstractEventLoop | None = asyncio.get_running_loop()
        except RuntimeError:  # execute_sync: nothing else to let run
            self._loop = None

    def execute_operation(self, serially: bool | None = None) -> Any:
        # A subscription runs each event on a copy of this context: each gets a budget.
        self._start_budget()
        return super().execute_operation(serially)

    def spend(self, objects: int) -> bool:
        """Count completed objects; raise once a bound is passed. True when the loop
        should get a turn before the next object is completed."""
        self._objects += objects
        if self._objects >= self._next_check:
            self._check()
        if self._ended is not None:
            raise self._ended.again()
        return self._yielding

    def _check(self) -> None:
        self._next_check = min(self._objects + CHECK_EVERY, self.limits.max_objects + 1)
        now = time.monotonic()
        if self._objects > self.limits.max_objects:
            self._ended = LimitError(
                f"The result would have more than {self.limits.max_objects} objects; "
                "ask for fewer levels or smaller pages.",
                RESULT_TOO_LARGE,
            )
        elif now > self._deadline:
            self._ended = LimitError(
                f"The operation took longer than {self.limits.timeout_s:g} s and was stopped; "
                "ask for fewer levels or smaller pages.",
                OPERATION_TIMEOUT,
            )
        elif self._loop is not None and not self._yielding:
            if self._waiting_since is None:
                self._waiting_since = now
                self._loop.call_soon(self._loop_turned)
            elif now - self._waiting_since > SLICE_S:
                self._yielding = True
                self._turned = asyncio.Event()

    def _loop_turned(self) -> None:
        self._waiting_since = None
        self._yielding = False
        self._turned.set()

    def execute_fields(
        self,
        parent_type: GraphQLObjectType,
        source_value: Any,
        path: Path | None,
        grouped_field_set: GroupedFieldSet,
        position_context: Any,
    ) -> Any:
        if self.spend(1):
            return self._after_a_turn(
                parent_type, source_value, path, grouped_field_set, position_context
            )
        return self.complete_fields(
            parent_type, source_value, path, grouped_field_set, position_context
        )

    def complete_fields(
        self,
        parent_type: GraphQLObjectType,
        source_value: Any,
        path: Path | None,
        grouped_field_set: GroupedFieldSet,
        position_context: Any,
    ) -> Any:
        """One object's fields, as graphql-core completes them (the fast path overrides)."""
        return super().execute_fields(
            parent_type, source_value, path, grouped_field_set, position_context
        )

    async def _after_a_turn(
        self,
        parent_type: GraphQLObjectType,
        source_value: Any,
        path: Path | None,
        grouped_field_set: GroupedFieldSet,
        position_context: Any,
    ) -> Any:
        await self._turn()
        result = self.complete_fields(
            parent_type, source_value, path, grouped_field_set, position_context
        )
        return await result if self.is_awaitable(result) else result

    async def complete_awaitable_value(
        self,
        return_type: GraphQLOutputType,
        field_details_list: FieldDetailsList,
        info: Any,
        path: Path,
        result: Any,
        position_context: Any,
    ) -> Any:
        # A resolver's own work (a building's doors: a hundred objects made) starts here:
        # thousands may be ready at once, so each waits while the loop is owed a turn.
        if self._yielding:
            try:
                await self._turn()
            except BaseException:
                if inspect.iscoroutine(result):
                    result.close()  # the resolver never started: no "never awaited" warning
                raise
        return await super().complete_awaitable_value(
            return_type, field_details_list, info, path, result, position_context
        )

    async def _turn(self) -> None:
        while self._yielding:
            await self._turned.wait()
        if self._ended is not None:
            raise self._ended.again()

    def build_response(self, data: dict[str, Any] | None) -> Any:
        if self._ended is not None:
            # One error for the operation, not one per field that was cut short.
            self.collected_errors = CollectedErrors()
            self.collected_errors.add(self._ended, None)
            data = None
        return super().build_response(data)


S = TypeVar("S", bound=Schema)


def limited(schema: S, limits: Limits, *, fast: bool = True) -> S:
    """A copy of `schema` (sharing its types) that applies `limits`; `fast=False` answers
    through graphql-core's own completion instead of the plain-field fast path."""
    base = schema.execution_context_class if fast else BoundedExecutionContext
    if not (isinstance(base, type) and issubclass(base, BoundedExecutionContext)):
        raise TypeError(f"{schema!r} does not execute through BoundedExecutionContext")
    copy = schema.__class__.__new__(schema.__class__)
    copy.__dict__.update(schema.__dict__)
    copy.extensions = (
        *(e for e in schema.extensions if not is_document_limits(e)),
        document_limits(limits),
    )
    copy.execution_context_class = type(base.__name__, (base,), {"limits": limits})
    return copy
