"""Mutations that act on doors: `unlockDoor`, `lockDoor` (idempotent, never retried blind)."""

from __future__ import annotations

from typing import Annotated

import strawberry
from strawberry import relay

from concierge.resolvers import outcomes, unlocks
from concierge.resolvers.outcomes import ActionError
from concierge.schema.attempts import UnlockAttempt
from concierge.schema.context import Info
from concierge.schema.graph import one
from concierge.schema.results import ActionErrors, UserError, error_of


@strawberry.input(description="Open a door now.")
class UnlockDoorInput:
    door_id: relay.GlobalID
    tenant_id: relay.GlobalID | None = strawberry.field(
        default=None,
        description="On whose behalf: required for ButterflyMX doors, recorded for others.",
    )
    idempotency_key: str = strawberry.field(
        description="Unique per intended unlock: a retry with the same key never unlocks twice."
    )


@strawberry.input(description="Lock a door now (RemoteLock locks).")
class LockDoorInput:
    door_id: relay.GlobalID
    idempotency_key: str = strawberry.field(
        description="Unique per intended lock: a retry with the same key never locks twice."
    )


@strawberry.type(description="The command was recorded and sent: follow `attempt.status`.")
class UnlockDoorSuccess:
    attempt: UnlockAttempt


@strawberry.type(description="The command was recorded and sent: follow `attempt.status`.")
class LockDoorSuccess:
    attempt: UnlockAttempt


UnlockDoorResult = Annotated[UnlockDoorSuccess | ActionErrors, strawberry.union("UnlockDoorResult")]
LockDoorResult = Annotated[LockDoorSuccess | ActionErrors, strawberry.union("LockDoorResult")]


def _node_key(global_id: relay.GlobalID, type_name: str, field: str) -> str:
    if global_id.type_name != type_name:
        raise outcomes.InvalidInputError(f"{field} must be the id of a {type_name}", field=field)
    return global_id.node_id


async def _act(
    info: Info,
    action: str,
    door_id: relay.GlobalID,
    tenant_id: relay.GlobalID | None,
    idempotency_key: str,
) -> UnlockAttempt | UserError:
    """Unlock or lock: the attempt, or the typed error that stopped it."""
    try:
        door = _node_key(door_id, "Door", "doorId")
        tenant = _node_key(tenant_id, "Tenant", "tenantId") if tenant_id is not None else None
        view = await unlocks.act(
            info.context,
            action=action,
            door_key=door,
            tenant_key=tenant,
            idempotency_key=idempotency_key,
        )
    except ActionError as exc:
        return error_of(exc)
    attempt = one(info, UnlockAttempt, view)
    assert attempt is not None  # an attempt's own requester may read it
    return attempt


@strawberry.type
class Mutation:
    @strawberry.mutation(description="Open a door (ButterflyMX access point or lock, RemoteLock).")
    async def unlock_door(self, info: Info, input: UnlockDoorInput) -> UnlockDoorResult:
        done = await _act(info, "unlock", input.door_id, input.tenant_id, input.idempotency_key)
        if isinstance(done, UnlockAttempt):
            return UnlockDoorSuccess(attempt=done)
        return done  # type: ignore[return-value]

    @strawberry.mutation(description="Lock a door (RemoteLock locks).")
    async def lock_door(self, info: Info, input: LockDoorInput) -> LockDoorResult:
        done = await _act(info, "lock", input.door_id, None, input.idempotency_key)
        if isinstance(done, UnlockAttempt):
            return LockDoorSuccess(attempt=done)
        return done  # type: ignore[return-value]
