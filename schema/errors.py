"""Per-operation scope, and the one place vendor failures become GraphQL errors.

`OperationScope` gives every operation its own context (fresh loaders, its own partial
errors) and its own vendor deadline, so a WebSocket carrying many operations over hours
never reuses stale loaders or an expired budget.

A resolver that raises a `VendorError` leaves its field null; `VendorErrors` rewrites the
error with our message, `extensions.code` and `extensions.vendor`, and adds the errors of
fields that answered without one vendor's part (see `schema.context.report`). Other
exceptions are bugs: they keep their error and are logged with a traceback. Errors that
are no exception of ours (a syntax or validation error, a limit) are the client's: they
are logged without one.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator

from graphql import GraphQLError
from strawberry.extensions import SchemaExtension

from concierge.resolvers.context import RequestContext
from concierge.resolvers.errors import describe

log = logging.getLogger(__name__)


class OperationScope(SchemaExtension):
    def on_operation(self) -> Iterator[None]:
        context = self.execution_context.context
        if not isinstance(context, RequestContext):
            yield
            return
        operation = context.for_operation()
        self.execution_context.context = operation
        token = operation.start_deadline()
        try:
            yield
        finally:
            operation.end_deadline(token)


class VendorErrors(SchemaExtension):
    def on_execute(self) -> Iterator[None]:
        yield
        result = self.execution_context.result
        if result is None:
            return
        errors: list[GraphQLError] = []
        for error in result.errors or []:
            described = describe(error.original_error)
            if described is not None:
                message, extensions = described
                errors.append(
                    GraphQLError(
                        message,
                        nodes=error.nodes,
                        path=error.path,
                        extensions=extensions,
                        original_error=error.original_error,
                    )
                )
            else:
                errors.append(error)
        context = self.execution_context.context
        if isinstance(context, RequestContext):
            errors.extend(context.partial_errors)
        result.errors = errors or None


def log_errors(errors: list[GraphQLError]) -> None:
    """Vendor failures are expected: the circuit breaker logs a vendor going down and
    recovering once; each affected field only gets a debug line. An error that wraps no
    exception (a syntax or validation error, a limit) is the client's: an info line.
    Anything else is a bug and is logged with its traceback."""
    for error in errors:
        original = error.original_error
        if describe(original) is not None:
            log.debug("vendor failure at %s: %s", error.path, original)
        elif original is None or isinstance(original, GraphQLError):
            log.info("request refused at %s: %s", error.path, error.message)
        else:
            log.error("GraphQL error at %s", error.path, exc_info=original)
