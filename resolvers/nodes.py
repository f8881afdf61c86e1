"""Objects by node key, for `node(id:)`, `nodes(ids:)` and federation entity lookups.

One table from graph type name to the batch lookup that answers it: the schema's single
`resolve_nodes` goes through here for every type.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Collection, Sequence
from typing import Any

from concierge.resolvers import access, activity, doors, keys, occupancy, unlocks
from concierge.resolvers.context import RequestContext

Lookup = Callable[[RequestContext, list[str]], Awaitable[Sequence[Any]]]

LOOKUPS: dict[str, Lookup] = {
    "Unit": access.units_by_id,
    "Tenant": access.tenants_by_id,
    "Panel": access.panels_by_id,
    "Door": doors.doors_by_id,
    "Space": occupancy.spaces_by_id,
    "Room": occupancy.rooms_by_id,
    "Sensor": occupancy.sensors_by_id,
    "Hive": occupancy.hives_by_id,
    "Call": activity.calls_by_id,
    "DoorRelease": activity.door_releases_by_id,
    "Keychain": activity.keychains_by_id,
    "AccessGuest": activity.access_guests_by_id,
    "UnlockAttempt": unlocks.attempts_by_id,
    "VisitorKey": keys.keys_by_id,
}


async def load(
    ctx: RequestContext, type_name: str, node_keys: list[str], wanted: Collection[str]
) -> list[Any]:
    """One view (or None) per key, in order; `wanted` lets a building start its children."""
    if type_name == "Building":
        return await access.buildings_by_id(ctx, node_keys, wanted)
    return list(await LOOKUPS[type_name](ctx, node_keys))
