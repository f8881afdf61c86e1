"""Bounds on one operation: the document's size and depth, and the work of completing it.

A document is refused before execution when it has more tokens than `max_tokens`
(graphql-core's parser stops counting there) or nests fields deeper than `max_depth`.
A document that passes can still ask for a result that grows as doors^levels (`doors {
building { doors ... } }`): `schema.budget` ends its completion past `timeout_s` or
`max_objects` with one typed error and no data.

Before execution (`schema.cost`) an operation is also refused for more than `max_aliases`
aliases (TOO_MANY_ALIASES), a `first`/`last` over `max_page_size` (PAGE_TOO_LARGE), more
than `max_node_ids` IDs in `nodes`/`_entities` (TOO_MANY_IDS) or a cost over `max_cost`
(QUERY_TOO_COSTLY); an accepted operation's cost is in `extensions.cost`. Introspection
(and federation's `_service`) can be switched off (INTROSPECTION_DISABLED).

Codes (`extensions.code`): QUERY_TOO_LARGE, QUERY_TOO_DEEP, OPERATION_TIMEOUT,
RESULT_TOO_LARGE; other syntax and validation errors get GRAPHQL_PARSE_FAILED and
GRAPHQL_VALIDATION_FAILED.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from functools import cache, partial
from typing import Any

from graphql import (
    FieldNode,
    FragmentDefinitionNode,
    FragmentSpreadNode,
    GraphQLError,
    GraphQLSyntaxError,
    InlineFragmentNode,
    OperationDefinitionNode,
    SelectionSetNode,
    ValidationRule,
)
from graphql.validation.validate import ValidationAbortedError
from strawberry.extensions import ParserCache

from concierge.schema.cost import measure

QUERY_TOO_LARGE = "QUERY_TOO_LARGE"
QUERY_TOO_DEEP = "QUERY_TOO_DEEP"
OPERATION_TIMEOUT = "OPERATION_TIMEOUT"
RESULT_TOO_LARGE = "RESULT_TOO_LARGE"
PARSE_FAILED = "GRAPHQL_PARSE_FAILED"
VALIDATION_FAILED = "GRAPHQL_VALIDATION_FAILED"
TOO_MANY_ALIASES = "TOO_MANY_ALIASES"
PAGE_TOO_LARGE = "PAGE_TOO_LARGE"
TOO_MANY_IDS = "TOO_MANY_IDS"
QUERY_TOO_COSTLY = "QUERY_TOO_COSTLY"
INTROSPECTION_DISABLED = "INTROSPECTION_DISABLED"


@dataclass(frozen=True, slots=True)
class Limits:
    max_tokens: int = 10_000
    max_depth: int = 15
    timeout_s: float = 15.0
    max_objects: int = 50_000
    max_aliases: int = 100
    max_cost: int = 20_000
    max_page_size: int = 1000
    max_node_ids: int = 100
    introspection: bool = True


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
        self.cost: int | None = None
        self.refusal: LimitError | None = None

    def on_operation(self) -> Iterator[None]:
        context = self.execution_context
        rules: tuple[type[ValidationRule], ...] = (depth_rule(self.limits.max_depth),)
        if not self.limits.introspection:
            rules += (NoIntrospectionRule,)
        context.validation_rules = (*context.validation_rules, *rules)
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

    def on_validate(self) -> Iterator[None]:
        yield
        context = self.execution_context
        if context.pre_execution_errors or context.graphql_document is None:
            return
        # Measured with the variables: `nodes(ids: $ids)` and `first: $n` count as sent.
        m = measure(context.graphql_document, context.operation_name, context.variables)
        self.cost = m.cost
        limits = self.limits
        refusal: LimitError | None = None
        if m.aliases > limits.max_aliases:
            refusal = LimitError(
                f"The operation has {m.aliases} aliases; at most {limits.max_aliases} are allowed.",
                TOO_MANY_ALIASES,
            )
        elif m.largest_page > limits.max_page_size:
            refusal = LimitError(
                f"first/last of {m.largest_page}: at most {limits.max_page_size} per page.",
                PAGE_TOO_LARGE,
            )
        elif m.largest_entities > limits.max_page_size:
            refusal = LimitError(
                f"{m.largest_entities} representations in one _entities lookup; at most "
                f"{limits.max_page_size}.",
                TOO_MANY_IDS,
            )
        elif m.largest_id_list > limits.max_node_ids:
            refusal = LimitError(
                f"{m.largest_id_list} IDs in one lookup; at most {limits.max_node_ids}.",
                TOO_MANY_IDS,
            )
        elif m.cost > limits.max_cost:
            refusal = LimitError(
                f"The operation would cost {m.cost} (objects it may fetch); the limit is "
                f"{limits.max_cost}. Ask for smaller pages or fewer nested lists.",
                QUERY_TOO_COSTLY,
            )
        # Raised when execution starts: Strawberry reads validation errors before this
        # hook's end, and an error raised there would not be an operation's answer.
        self.refusal = refusal

    def on_execute(self) -> Iterator[None]:
        if self.refusal is not None:
            raise self.refusal
        self.executed = True
        yield

    def get_results(self) -> dict[str, Any]:
        # On answers with data: one ended by a limit keeps the limit's error alone.
        result = self.execution_context.result
        answered = result is not None and getattr(result, "data", None) is not None
        return {"cost": self.cost} if answered and self.cost is not None else {}


class NoIntrospectionRule(ValidationRule):
    """Introspection off: `__schema`, `__type` and federation's `_service` (the SDL) are
    refused; `__typename` stays (clients need it for unions)."""

    def enter_field(self, node: FieldNode, *_: Any) -> None:
        if node.name.value in ("__schema", "__type", "_service"):
            self.report_error(
                LimitError(
                    "Introspection is disabled on this server.", INTROSPECTION_DISABLED, node
                )
            )


def document_limits(limits: Limits) -> partial[DocumentLimits]:
    """The extension factory for `limits` (a fresh extension per operation)."""
    return partial(DocumentLimits, limits)


def is_document_limits(extension: object) -> bool:
    return isinstance(extension, partial) and extension.func is DocumentLimits
