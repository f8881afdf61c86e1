"""Field plumbing shared by the schema modules: the Info type, partial results, selections."""

from __future__ import annotations

from typing import Any

from graphql import FieldNode, FragmentSpreadNode, GraphQLError
from strawberry.types import Info as StrawberryInfo

from concierge.resolvers.context import RequestContext
from concierge.resolvers.errors import (
    Partial,
    VendorError,
    vendor_error_extensions,
    vendor_error_message,
)

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
    # graphql-core's nodes, not `info.selected_fields`: Strawberry converts the whole
    # subtree on each call, and this runs once per building at every level of a query.
    raw = info._raw_info
    names: set[str] = set()
    fragments: set[str] = set()  # each walked once, however often it is spread
    stack: list[Any] = [node.selection_set for node in raw.field_nodes]
    while stack:
        for selection in getattr(stack.pop(), "selections", ()):
            if isinstance(selection, FragmentSpreadNode):
                name = selection.name.value
                if name not in fragments and name in raw.fragments:
                    fragments.add(name)
                    stack.append(raw.fragments[name].selection_set)
                continue
            if isinstance(selection, FieldNode):
                names.add(selection.name.value)
            stack.append(selection.selection_set)
    return names
