"""Resolver plumbing shared by the schema modules: the Info type and partial results."""

from __future__ import annotations

from collections.abc import Awaitable
from typing import Any

from graphql import GraphQLError
from strawberry.types import Info as StrawberryInfo

from connectors.errors import VendorError
from resolvers.background import run_in_background
from resolvers.context import RequestContext
from resolvers.errors import vendor_error_extensions, vendor_error_message

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


def vendor_id(node_id: str) -> str:
    """The vendor's own ID from a node id like `butterflymx:11741`."""
    return node_id.partition(":")[2]


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


def start(info: Info, awaitable: Awaitable[Any]) -> None:
    """Run `awaitable` in the background for this request (a prefetch): whoever needs its
    result awaits the same loader or cache entry; nobody waits for it otherwise."""
    run_in_background(info.context.background, awaitable)
