"""Back-fill cursors: per vendor, the newest event the ingress has seen."""

from __future__ import annotations

from datetime import datetime

from concierge.resolvers.store.clock import utcnow
from concierge.resolvers.store.repository import Repository
from concierge.resolvers.store.tables import ingress_cursors as table


class IngressCursors(Repository):
    async def get(self, vendor: str) -> tuple[str | None, datetime] | None:
        async with self._begin() as connection:
            row = (await connection.execute(table.select().where(table.c.vendor == vendor))).first()
        return None if row is None else (row.event_id, row.created_at)

    async def advance(self, vendor: str, event_id: str | None, created_at: datetime) -> None:
        """Move the cursor to this event unless it already points at a newer one."""
        values = {
            "vendor": vendor,
            "event_id": event_id,
            "created_at": created_at,
            "updated_at": utcnow(),
        }
        async with self._begin() as connection:
            current = (
                await connection.execute(table.select().where(table.c.vendor == vendor))
            ).first()
            if current is not None and current.created_at > created_at:
                return
            await connection.execute(self._upsert(table, values, ["vendor"]))
