"""Idempotency records: exactly one caller owns a key; the others wait for its result.

The guard is the database's primary key on (scope, key): a claim is an INSERT that either
wins or hits the constraint, so it holds across tasks, restarts and replicas sharing
PostgreSQL. Waiting polls the row, which works across processes. An expired record is
treated as absent and replaced by the next claim.
"""

from __future__ import annotations

import asyncio
from datetime import timedelta
from typing import Any, TypeVar

import sqlalchemy as sa
import sqlalchemy.exc
from sqlalchemy.ext.asyncio import AsyncEngine

from concierge.resolvers.store.clock import utcnow
from concierge.resolvers.store.errors import MissingRecordError, StoreError
from concierge.resolvers.store.records import Claim, IdempotencyRecord
from concierge.resolvers.store.repository import Repository
from concierge.resolvers.store.tables import idempotency_records as table

DEFAULT_TTL_S = 24 * 3600.0
POLL_INTERVAL_S = 0.05
# A record can expire between losing the INSERT and reading the winner: claim again.
CLAIM_ROUNDS = 3

S = TypeVar("S", sa.Select[Any], sa.Update, sa.Delete)


class IdempotencyRecords(Repository):
    def __init__(
        self, engine: AsyncEngine, *, ttl_s: float = DEFAULT_TTL_S, poll_s: float = POLL_INTERVAL_S
    ) -> None:
        super().__init__(engine)
        self.ttl_s = ttl_s
        self._poll_s = poll_s

    async def claim(
        self, scope: str, key: str, operation: str, fingerprint: str, ttl_s: float | None = None
    ) -> Claim:
        """Own `key` in `scope` (`owner=True`), or learn who does and what they were asked.

        A non-owner whose `fingerprint` differs was given other input under the same key:
        `Claim.matches` tells; the caller raises its conflict error.
        """
        lifetime = timedelta(seconds=self.ttl_s if ttl_s is None else ttl_s)
        for _ in range(CLAIM_ROUNDS):
            now = utcnow()
            row: dict[str, Any] = {
                "scope": scope,
                "key": key,
                "operation": operation,
                "fingerprint": fingerprint,
                "status": "in_progress",
                "result": None,
                "created_at": now,
                "expires_at": now + lifetime,
                "completed_at": None,
            }
            try:
                async with self._begin() as connection:
                    await connection.execute(self._where(scope, key, table.delete(), expired=True))
                    await connection.execute(table.insert().values(**row))
            except sqlalchemy.exc.IntegrityError:
                existing = await self.get(scope, key)
                if existing is not None:
                    return Claim(owner=False, record=existing)
                continue
            return Claim(owner=True, record=IdempotencyRecord(**row))
        raise StoreError(f"idempotency key {key!r} in {scope!r} could not be claimed")

    async def complete(self, scope: str, key: str, result: dict[str, Any]) -> IdempotencyRecord:
        """Record the owner's answer; every waiter (and every later claim) reads it."""
        async with self._begin() as connection:
            done = await connection.execute(
                self._where(scope, key, table.update()).values(
                    status="completed", result=result, completed_at=utcnow()
                )
            )
            if done.rowcount == 0:
                raise MissingRecordError(f"no idempotency record {key!r} in {scope!r}")
            row = (await connection.execute(self._where(scope, key, table.select()))).one()
        return _record(row)

    async def release(self, scope: str, key: str) -> None:
        """Give up an unfinished claim (nothing was done): the next claim may own the key."""
        async with self._begin() as connection:
            await connection.execute(
                self._where(scope, key, table.delete()).where(table.c.status == "in_progress")
            )

    async def get(self, scope: str, key: str) -> IdempotencyRecord | None:
        """The live record (an expired one counts as absent)."""
        async with self._begin() as connection:
            row = (await connection.execute(self._where(scope, key, table.select()))).first()
        if row is None:
            return None
        record = _record(row)
        return None if record.expires_at <= utcnow() else record

    async def wait(self, scope: str, key: str, timeout_s: float) -> IdempotencyRecord | None:
        """The record once its owner completed it, or as it stands after `timeout_s`.

        None when there is no live record (its owner released it, or it expired).
        """
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout_s
        while True:
            record = await self.get(scope, key)
            if record is None or record.status == "completed" or loop.time() >= deadline:
                return record
            await asyncio.sleep(min(self._poll_s, max(0.0, deadline - loop.time())))

    async def purge_expired(self) -> int:
        """Delete every expired record; how many went."""
        async with self._begin() as connection:
            gone = await connection.execute(table.delete().where(table.c.expires_at <= utcnow()))
        return int(gone.rowcount)

    @staticmethod
    def _where(scope: str, key: str, statement: S, *, expired: bool = False) -> S:
        statement = statement.where(table.c.scope == scope, table.c.key == key)
        if expired:
            statement = statement.where(table.c.expires_at <= utcnow())
        return statement


def _record(row: sa.Row[Any]) -> IdempotencyRecord:
    return IdempotencyRecord(
        scope=row.scope,
        key=row.key,
        operation=row.operation,
        fingerprint=row.fingerprint,
        status=row.status,
        result=row.result,
        created_at=row.created_at,
        expires_at=row.expires_at,
        completed_at=row.completed_at,
    )
