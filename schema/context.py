"""Field plumbing shared by the schema modules: the Info type, partial results, selections."""

from __future__ import annotations

from typing import Any

from graphql import GraphQLError
from strawberry.types import Info as StrawberryInfo

from resolvers.context import RequestContext
from resolvers.errors import Partial, VendorError, vendor_error_extensions, vendor_error_message

Info = StrawberryInfo[RequestContext, None]


def report(info: Info, exc: VendorError) -> None:
    """Record a vendor failure at this field's path while the field still answers."""
    info.context.partial_errors.append(
        GraphQLError(
            vendor_error_message(exc),
            path=info.path.as_list(),
            extensions=vendor_error_extensions(exc),
        )
    )


def value_of(info: Info, partial: Partial[Any]) -> Any:
    """A partial answer's value; its missing part reported at this field."""
    if partial.error is not None:
        report(info, partial.error)
    return partial.value


def selected_names(info: Info) -> set[str]:
    """Every field name selected anywhere below the current field (fragments included)."""
    names: set[str] = set()
    stack: list[Any] = list(info.selected_fields)
    while stack:
        node = stack.pop()
        name = getattr(node, "name", None)
        if isinstance(name, str):
            names.add(name)
        stack.extend(getattr(node, "selections", None) or [])
    return names
