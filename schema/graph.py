"""The only way the schema makes graph objects: from resolver views, through the checks.

Every graph type is built from its resolver view by `objects`/`one` (lists, single
fields, lists a parent fills in ahead) or by `NodeType.resolve_nodes` (node lookups and
federation entities), and each passes `resolvers.checks` on the way: an object the
request may not see is left out of lists and answers as not found.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any, Protocol, Self, TypeVar

from concierge.resolvers import nodes
from concierge.resolvers.checks import admitted, admitted_one
from concierge.schema.context import Info, selected_names

V_contra = TypeVar("V_contra", contravariant=True)


class FromView(Protocol[V_contra]):
    @classmethod
    def of(cls, view: V_contra) -> Self: ...


G = TypeVar("G", bound=FromView[Any])


def _nested(info: Info) -> bool:
    """Reached under a parent object (already checked), or a mutation's answer (whose
    target was checked before it acted)."""
    return info.path.prev is not None or info.operation.operation.value == "mutation"


def objects(info: Info, cls: type[G], views: Iterable[Any]) -> list[G]:
    return [cls.of(v) for v in admitted(info.context.checks, views, _nested(info))]


def one(info: Info, cls: type[G], view: Any | None) -> G | None:
    admitted_view = admitted_one(info.context.checks, view, _nested(info))
    return cls.of(admitted_view) if admitted_view is not None else None


class NodeType:
    """Mixin for `relay.Node` types: `node(id:)`, `nodes(ids:)` and entity lookups load
    views through `resolvers.nodes`, one batch per type, and build them here."""

    @classmethod
    async def resolve_nodes(
        cls, *, info: Info, node_ids: Iterable[str], required: bool = False
    ) -> list[Any]:
        views = await nodes.load(info.context, cls.__name__, list(node_ids), selected_names(info))
        checks = info.context.checks
        of: Any = getattr(cls, "of")  # noqa: B009 - every node type has one
        return [
            of(v) if v is not None and admitted_one(checks, v) is not None else None for v in views
        ]
