"""What an operation would cost, measured on the document before it runs: aliases, page
sizes, `nodes(ids:)` lengths and a cost from list sizes.

Cost: every field with a selection (an object or list, which is where vendor data comes
from) counts once per object it may produce. A list's size is its `first`/`last`, the
length of `ids`/`representations`, or, for a connection given neither, `UNBOUNDED_PAGE`.
Scalars and introspection are free. So `units(first: 1000) { edges { node { doors {
name } } } }` costs 1000 (units) + 1000 (edges) + 1000 (nodes) + 1000 (doors) = 4000.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from graphql import (
    DocumentNode,
    FieldNode,
    FragmentDefinitionNode,
    FragmentSpreadNode,
    InlineFragmentNode,
    IntValueNode,
    ListValueNode,
    OperationDefinitionNode,
    SelectionSetNode,
    ValueNode,
    VariableNode,
)

UNBOUNDED_PAGE = 10  # a connection asked without first/last: counted as this many
SIZE_ARGUMENTS = ("first", "last")
ID_LIST_ARGUMENTS = {"nodes": "ids", "_entities": "representations"}


@dataclass
class Measure:
    cost: int = 0
    aliases: int = 0
    largest_page: int = 0
    largest_id_list: int = 0  # nodes(ids:)
    largest_entities: int = 0  # _entities(representations:): a router's batch


def measure(
    document: DocumentNode, operation_name: str | None, variables: dict[str, Any] | None
) -> Measure:
    operations = [d for d in document.definitions if isinstance(d, OperationDefinitionNode)]
    chosen = [
        o
        for o in operations
        if operation_name is None or (o.name and o.name.value == operation_name)
    ]
    fragments = {
        d.name.value: d for d in document.definitions if isinstance(d, FragmentDefinitionNode)
    }
    m = Measure()
    for op in chosen[:1]:
        _walk(op.selection_set, 1, m, fragments, variables or {}, set())
    return m


def _walk(
    selection_set: SelectionSetNode | None,
    multiplier: int,
    m: Measure,
    fragments: dict[str, FragmentDefinitionNode],
    variables: dict[str, Any],
    seen: set[str],
) -> None:
    if selection_set is None:
        return
    for selection in selection_set.selections:
        if isinstance(selection, FieldNode):
            name = selection.name.value
            if selection.alias is not None:
                m.aliases += 1
            if name.startswith("__") or selection.selection_set is None:
                continue
            size = _size(selection, variables, m)
            if size is None:
                size = UNBOUNDED_PAGE if _is_connection(selection) else 1
            count = min(multiplier * size, 10**12)
            m.cost += count
            _walk(selection.selection_set, count, m, fragments, variables, seen)
        elif isinstance(selection, InlineFragmentNode):
            _walk(selection.selection_set, multiplier, m, fragments, variables, seen)
        elif isinstance(selection, FragmentSpreadNode):
            fragment = fragments.get(selection.name.value)
            if fragment is not None and selection.name.value not in seen:
                _walk(
                    fragment.selection_set,
                    multiplier,
                    m,
                    fragments,
                    variables,
                    seen | {selection.name.value},
                )


def _size(field: FieldNode, variables: dict[str, Any], m: Measure) -> int | None:
    size: int | None = None
    for argument in field.arguments or ():
        name = argument.name.value
        if name in SIZE_ARGUMENTS:
            value = _value(argument.value, variables)
            if isinstance(value, int) and not isinstance(value, bool):
                m.largest_page = max(m.largest_page, value)
                size = max(size or 0, value)
        elif ID_LIST_ARGUMENTS.get(field.name.value) == name:
            value = _value(argument.value, variables)
            length = len(value) if isinstance(value, list) else 1
            if field.name.value == "nodes":
                m.largest_id_list = max(m.largest_id_list, length)
            else:
                m.largest_entities = max(m.largest_entities, length)
            size = length
    return size


def _value(node: ValueNode, variables: dict[str, Any]) -> Any:
    if isinstance(node, VariableNode):
        return variables.get(node.name.value)
    if isinstance(node, IntValueNode):
        return int(node.value)
    if isinstance(node, ListValueNode):
        return list(node.values)
    return None


def _is_connection(field: FieldNode) -> bool:
    assert field.selection_set is not None
    return any(
        isinstance(s, FieldNode) and s.name.value in ("edges", "pageInfo")
        for s in field.selection_set.selections
    )
