"""Unlock and lock attempts: what was asked of which door, and how far it got.

`transition` is a compare-and-set on the status, so of two replicas seeing the same vendor
event only one confirms the attempt (and only it publishes or audits the change).
"""

from __future__ import annotations

import uuid
from collections.abc import Collection
from datetime import datetime
from typing import Any, TypedDict, Unpack

import sqlalchemy as sa

from concierge.resolvers.store.clock import utcnow
from concierge.resolvers.store.errors import MissingRecordError
from concierge.resolvers.store.records import (
    TERMINAL_ATTEMPT_STATUSES,
    AttemptAction,
    AttemptStatus,
    UnlockAttempt,
)
from concierge.resolvers.store.repository import Repository
from concierge.resolvers.store.tables import unlock_attempts as table


class AttemptChanges(TypedDict, total=False):
    status: AttemptStatus
    vendor_reference: str | None
    error_code: str | None
    error_message: str | None
    accepted_at: datetime | None
    confirmed_at: datetime | None
    finished_at: datetime | None


class UnlockAttempts(Repository):
    async def create(
        self,
        *,
        door_key: str,
        action: AttemptAction,
        principal: str,
        vendor: str,
        tenant_id: str | None = None,
        attempt_id: str | None = None,
        building_id: str | None = None,
    ) -> UnlockAttempt:
        """A new attempt, PENDING: written before the vendor is called. `attempt_id` lets
        an idempotent caller name it ahead, so concurrent replays can find it."""
        attempt = UnlockAttempt(
            id=attempt_id or str(uuid.uuid4()),
            door_key=door_key,
            action=action,
            tenant_id=tenant_id,
            principal=principal,
            vendor=vendor,
            status="PENDING",
            created_at=utcnow(),
            building_id=building_id,
        )
        async with self._begin() as connection:
            await connection.execute(table.insert().values(**_values(attempt)))
        return attempt

    async def get(self, attempt_id: str) -> UnlockAttempt | None:
        async with self._begin() as connection:
            row = (await connection.execute(table.select().where(table.c.id == attempt_id))).first()
        return None if row is None else _attempt(row)

    async def update(self, attempt_id: str, **changes: Unpack[AttemptChanges]) -> UnlockAttempt:
        """Change fields unconditionally; the attempt as it now is."""
        async with self._begin() as connection:
            if changes:
                await connection.execute(
                    table.update().where(table.c.id == attempt_id).values(**changes)
                )
            row = (await connection.execute(table.select().where(table.c.id == attempt_id))).first()
        if row is None:
            raise MissingRecordError(f"no unlock attempt {attempt_id!r}")
        return _attempt(row)

    async def transition(
        self,
        attempt_id: str,
        from_statuses: Collection[AttemptStatus],
        to_status: AttemptStatus,
        **changes: Unpack[AttemptChanges],
    ) -> bool:
        """Move to `to_status` only from one of `from_statuses`; True for the one caller
        that did (a single UPDATE ... WHERE status IN (...): atomic on every database)."""
        changes["status"] = to_status
        async with self._begin() as connection:
            moved = await connection.execute(
                table.update()
                .where(table.c.id == attempt_id, table.c.status.in_(list(from_statuses)))
                .values(**changes)
            )
        return bool(moved.rowcount == 1)

    async def by_reference(self, vendor_reference: str) -> UnlockAttempt | None:
        """The attempt whose vendor command produced `vendor_reference` (e.g. a door release)."""
        query = table.select().where(table.c.vendor_reference == vendor_reference).limit(1)
        async with self._begin() as connection:
            row = (await connection.execute(query)).first()
        return None if row is None else _attempt(row)

    async def pending(self) -> list[UnlockAttempt]:
        """Attempts not yet settled (PENDING, ACCEPTED, UNKNOWN), oldest first: what the
        confirmation step picks up after a restart."""
        query = (
            table.select()
            .where(table.c.status.not_in(sorted(TERMINAL_ATTEMPT_STATUSES)))
            .order_by(table.c.created_at, table.c.id)
        )
        async with self._begin() as connection:
            rows = (await connection.execute(query)).all()
        return [_attempt(row) for row in rows]


def _values(attempt: UnlockAttempt) -> dict[str, Any]:
    return {column.name: getattr(attempt, column.name) for column in table.columns}


def _attempt(row: sa.Row[Any]) -> UnlockAttempt:
    return UnlockAttempt(**{column.name: row._mapping[column] for column in table.columns})
