"""Bounds on one operation: the document's size and depth, and the work of completing it.

A document is refused before execution when it has more tokens than `max_tokens`
(graphql-core's parser stops counting there) or nests fields deeper than `max_depth`.
A document that passes can still ask for a result that grows as doors^levels (`doors {
building { doors ... } }`): completing it runs in our own code between rare awaits, so
an asyncio timeout would not fire. `BoundedExecutionContext` counts the objects it
completes and, every `CHECK_EVERY`, looks at the clock: past `timeout_s` or `max_objects`
the operation ends with one typed error and no data. Meanwhile, when the event loop has
not had a turn for `SLICE_S`, the objects still to complete wait for one, so health
checks and other requests are answered while a large result is being built.

Codes (`extensions.code`): QUERY_TOO_LARGE, QUERY_TOO_DEEP, OPERATION_TIMEOUT,
RESULT_TOO_LARGE; other syntax and validation errors get GRAPHQL_PARSE_FAILED and
GRAPHQL_VALIDATION_FAILED.
"""

from __future__ import annotations

import asyncio
import inspect
import time
from collections.abc import Iterator
from dataclasses import dataclass
from functools import cache, partial
from typing import Any, ClassVar, TypeVar

from graphql import (
    FieldNode,
    FragmentDefinitionNode,
    FragmentSpreadNode,
    GraphQLError,
    GraphQLObjectType,
    GraphQLOutputType,
    GraphQLSyntaxError,
    InlineFragmentNode,
    OperationDefinitionNode,
    SelectionSetNode,
    ValidationRule,
)
from graphql.execution.collect_fields import FieldDetailsList, GroupedFieldSet
from graphql.execution.executor import CollectedErrors
from graphql.pyutils import Path
from graphql.validation.validate import ValidationAbortedError
from strawberry import Schema
from strawberry.extensions import ParserCache
from strawberry.schema.schema import StrawberryGraphQLCoreExecutionContext

QUERY_TOO_LARGE = "QUERY_TOO_LARGE"
QUERY_TOO_DEEP = "QUERY_TOO_DEEP"
OPERATION_TIMEOUT = "OPERATION_TIMEOUT"
RESULT_TOO_LARGE = "RESULT_TOO_LARGE"
PARSE_FAILED = "GRAPHQL_PARSE_FAILED"
VALIDATION_FAILED = "GRAPHQL_VALIDATION_FAILED"

CHECK_EVERY = 256  # objects between looks at the clock: 256 take ~5-20 ms to complete
SLICE_S = 0.02  # the longest stretch one operation holds the event loop (healthz needs ~5 turns)


@dataclass(frozen=True, slots=True)
class Limits:
    max_tokens: int = 10_000
    max_depth: int = 15
    timeout_s: float = 15.0
    max_objects: int = 50_000


class LimitError(GraphQLError):
    """An operation refused or ended by one of the `Limits`; not a bug, never a traceback."""

    def __init__(self, message: str, code: str, nodes: Any = None) -> None:
        super().__init__(message, nodes, extensions={"code": code})
        self.code = code

    def again(self) -> LimitError:
        """A fresh copy to raise (raising one error again and again grows its traceback)."""
        return LimitError(self.message, self.code)


# Parsing and validation


def typed(error: GraphQLError) -> GraphQLError:
    """The same parse or validation error with an `extensions.code`."""
    if error.extensions and "code" in error.extensions:
        return error
    message = error.message
    if isinstance(error, GraphQLSyntaxError):
        if "tokens. Parsing aborted." in message:
            code = QUERY_TOO_LARGE
        elif "nested too deeply" in message:
            code = QUERY_TOO_DEEP
        else:
            code = PARSE_FAILED
    elif isinstance(error, ValidationAbortedError):
        # Too many errors, or a document whose validation overflowed the stack.
        code = QUERY_TOO_LARGE
        message = "The document is too large to validate; send a smaller one."
    else:
        code = VALIDATION_FAILED
    return GraphQLError(
        message,
        error.nodes,
        error.source,
        error.positions,
        error.path,
        extensions={**(error.extensions or {}), "code": code},
    )


@cache
def depth_rule(max_depth: int) -> type[ValidationRule]:
    """A validation rule refusing operations whose fields nest deeper than `max_depth`
    (introspection fields do not count: their answer is bounded by the schema). One class
    per limit, so that the validation cache, keyed by the rules, keeps hitting."""

    class QueryDepthRule(ValidationRule):
        def enter_operation_definition(self, node: OperationDefinitionNode, *_: Any) -> None:
            fragments = {
                d.name.value: d
                for d in self.context.document.definitions
                if isinstance(d, FragmentDefinitionNode)
            }
            depth = _depth(node.selection_set, fragments, {})
            if depth > max_depth:
                self.report_error(
                    LimitError(
                        f"The operation nests fields {depth} deep; at most {max_depth} "
                        "levels are allowed.",
                        QUERY_TOO_DEEP,
                        node,
                    )
                )

    return QueryDepthRule


def _depth(
    selection_set: SelectionSetNode | None,
    fragments: dict[str, FragmentDefinitionNode],
    known: dict[str, int],
) -> int:
    """Deepest chain of fields below `selection_set`; each fragment is measured once."""
    if selection_set is None:
        return 0
    deepest = 0
    for selection in selection_set.selections:
        if isinstance(selection, FieldNode):
            if selection.name.value.startswith("__"):
                continue
            depth = 1 + _depth(selection.selection_set, fragments, known)
        elif isinstance(selection, InlineFragmentNode):
            depth = _depth(selection.selection_set, fragments, known)
        elif isinstance(selection, FragmentSpreadNode):
            name = selection.name.value
            if name not in known:
                known[name] = 0  # a cycle counts nothing here; NoFragmentCyclesRule reports it
                fragment = fragments.get(name)
                if fragment is not None:
                    known[name] = _depth(fragment.selection_set, fragments, known)
            depth = known[name]
        deepest = max(deepest, depth)
    return deepest


class DocumentLimits(ParserCache):
    """Strawberry's parser cache, with the token limit; the depth rule; and codes on every
    parse and validation error. (Parsing is done here: an error raised by another
    extension's parse hook would pass this one by.)"""

    def __init__(self, limits: Limits, maxsize: int = 256) -> None:
        super().__init__(maxsize=maxsize)
        self.limits = limits
        self.executed = False

    def on_operation(self) -> Iterator[None]:
        context = self.execution_context
        context.validation_rules = (*context.validation_rules, depth_rule(self.limits.max_depth))
        yield
        result = context.result
        if not self.executed and result is not None and result.errors:
            result.errors = [typed(e) for e in result.errors]

    def on_parse(self) -> Iterator[None]:
        context = self.execution_context
        context.parse_options["max_tokens"] = self.limits.max_tokens
        try:
            context.graphql_document = self.cached_parse_document(
                context.query, **context.parse_options
            )
        except GraphQLSyntaxError as error:
            raise typed(error) from None
        yield

    def on_execute(self) -> Iterator[None]:
        self.executed = True
        yield


# Execution


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
        *(e for e in schema.extensions if not _is_document_limits(e)),
        document_limits(limits),
    )
    copy.execution_context_class = type(base.__name__, (base,), {"limits": limits})
    return copy


def document_limits(limits: Limits) -> partial[DocumentLimits]:
    """The extension factory for `limits` (a fresh extension per operation)."""
    return partial(DocumentLimits, limits)


def _is_document_limits(extension: object) -> bool:
    return isinstance(extension, partial) and extension.func is DocumentLimits
