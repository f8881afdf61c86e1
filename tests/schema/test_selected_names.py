"""`selected_names` reads graphql-core's nodes (a private Strawberry attribute, for speed):
it must find what Strawberry's public `info.selected_fields` finds."""

from __future__ import annotations

from typing import Any

import strawberry

from concierge.schema.context import selected_names


def _public(info: Any) -> set[str]:
    """The stock way: walk Strawberry's converted selections (fragments included)."""
    names: set[str] = set()
    stack: list[Any] = [s for f in info.selected_fields for s in f.selections]
    while stack:
        node = stack.pop()
        name = getattr(node, "name", None)
        if isinstance(name, str) and hasattr(node, "arguments"):
            names.add(name)
        stack.extend(getattr(node, "selections", None) or [])
    return names


@strawberry.type
class Leaf:
    a: int = 1
    b: int = 2


@strawberry.type
class Middle:
    leaf: Leaf = strawberry.field(default_factory=Leaf)
    c: int = 3


seen: list[tuple[set[str], set[str]]] = []


@strawberry.type
class Query:
    @strawberry.field
    def top(self, info: strawberry.Info) -> Middle:
        seen.append((selected_names(info), _public(info)))
        return Middle()


def test_fields_fragments_and_inline_fragments_are_found_as_strawberry_finds_them() -> None:
    schema = strawberry.Schema(query=Query)
    document = """
      query { top { c ...M ... on Middle { leaf { b } } } }
      fragment M on Middle { leaf { a ...L } }
      fragment L on Leaf { b }
    """
    seen.clear()
    result = schema.execute_sync(document)
    assert result.errors is None
    ours, public = seen[0]
    assert ours == public == {"c", "leaf", "a", "b"}
