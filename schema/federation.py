"""Apollo Federation 2: entities are resolved by global ID through the same dataloaders."""

from __future__ import annotations

from typing import Any

from strawberry import relay

from concierge.schema.context import Info
from concierge.schema.graph import NodeType


class Entity(NodeType):
    """Mixin for `@key(fields: "id")` types: `_entities` lookups go through `resolve_nodes`.

    Every representation of one `_entities` call is resolved concurrently, so the
    dataloaders batch them into the same few vendor calls as a `nodes(ids:)` query.
    """

    @classmethod
    async def resolve_reference(cls, info: Info, id: str) -> Any:
        try:
            global_id = relay.GlobalID.from_id(id)
        except relay.GlobalIDValueError:
            return None
        if global_id.type_name != cls.__name__:
            return None
        found = await cls.resolve_nodes(info=info, node_ids=[global_id.node_id])
        return found[0]
