"""The audit log: who did what to which door or key, when, with what result."""

from __future__ import annotations

from typing import Any

from concierge.resolvers.store.clock import utcnow
from concierge.resolvers.store.records import AuditEntry
from concierge.resolvers.store.repository import Repository
from concierge.resolvers.store.tables import audit_log as table


class AuditLog(Repository):
    async def append(
        self,
        actor: str,
        action: str,
        target: str,
        outcome: str,
        vendor_reference: str | None = None,
        detail: dict[str, Any] | None = None,
    ) -> AuditEntry:
        values: dict[str, Any] = {
            "at": utcnow(),
            "actor": actor,
            "action": action,
            "target": target,
            "outcome": outcome,
            "vendor_reference": vendor_reference,
            "detail": detail,
        }
        async with self._begin() as connection:
            inserted = await connection.execute(table.insert().values(**values))
        (entry_id,) = inserted.inserted_primary_key or (None,)
        assert entry_id is not None
        return AuditEntry(id=int(entry_id), **values)

    async def recent(self, limit: int = 50, target: str | None = None) -> list[AuditEntry]:
        """Newest first; only `target`'s entries when given."""
        query = table.select().order_by(table.c.id.desc()).limit(limit)
        if target is not None:
            query = query.where(table.c.target == target)
        async with self._begin() as connection:
            rows = (await connection.execute(query)).all()
        return [
            AuditEntry(
                id=row.id,
                at=row.at,
                actor=row.actor,
                action=row.action,
                target=row.target,
                outcome=row.outcome,
                vendor_reference=row.vendor_reference,
                detail=row.detail,
            )
            for row in rows
        ]
