"""The one place vendor failures become GraphQL errors (`null` + `extensions.code`).

A resolver that raises a `VendorError` leaves its field null; this extension rewrites
the error with our message, `extensions.code` and `extensions.vendor`, and adds the
errors of fields that answered without one vendor's part (see `schema.context.report`).
Other exceptions are bugs: they keep their error and are logged with a traceback.
Errors that are no exception of ours (a syntax or validation error, a limit) are the
client's: they are logged without one.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator

from graphql import GraphQLError
from strawberry.extensions import SchemaExtension

from connectors.errors import VendorError
from resolvers.context import RequestContext
from resolvers.errors import vendor_error_extensions, vendor_error_message

log = logging.getLogger(__name__)


class VendorErrors(SchemaExtension):
    def on_execute(self) -> Iterator[None]:
        yield
        result = self.execution_context.result
        if result is None:
            return
        errors: list[GraphQLError] = []
        for error in result.errors or []:
            original = error.original_error
            if isinstance(original, VendorError):
                errors.append(
                    GraphQLError(
                        vendor_error_message(original),
                        nodes=error.nodes,
                        path=error.path,
                        extensions=vendor_error_extensions(original),
                        original_error=original,
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
        if isinstance(original, VendorError):
            log.debug("vendor failure at %s: %s", error.path, original)
        elif original is None or isinstance(original, GraphQLError):
            log.info("request refused at %s: %s", error.path, error.message)
        else:
            log.error("GraphQL error at %s", error.path, exc_info=original)
