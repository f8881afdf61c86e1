"""Account-linking `state`s: random, stored hashed, bound to a principal, used once."""

from __future__ import annotations

import hashlib
import secrets
from datetime import timedelta

import sqlalchemy as sa

from concierge.resolvers.store.clock import utcnow
from concierge.resolvers.store.repository import Repository
from concierge.resolvers.store.tables import link_states

STATE_TTL = timedelta(minutes=10)


def _hash(state: str) -> str:
    return hashlib.sha256(state.encode()).hexdigest()


class LinkStates(Repository):
    async def issue(self, principal: str, vendor: str) -> str:
        state = secrets.token_urlsafe(32)
        async with self._begin() as connection:
            await connection.execute(
                link_states.insert().values(
                    state_hash=_hash(state),
                    principal=principal,
                    vendor=vendor,
                    expires_at=utcnow() + STATE_TTL,
                )
            )
        return state

    async def consume(self, state: str, vendor: str) -> str | None:
        """The principal `state` was issued to, once; None for a forged, expired or
        replayed state. One UPDATE decides, so two racing callbacks cannot both win."""
        table = link_states
        digest = _hash(state)
        now = utcnow()
        async with self._begin() as connection:
            result = await connection.execute(
                table.update()
                .where(table.c.state_hash == digest)
                .where(table.c.vendor == vendor)
                .where(table.c.used_at.is_(None))
                .where(table.c.expires_at > now)
                .values(used_at=now)
            )
            if result.rowcount != 1:
                return None
            principal = await connection.scalar(
                sa.select(table.c.principal).where(table.c.state_hash == digest)
            )
        return str(principal)
