"""Webhook event IDs seen: a vendor redelivering an event is told it is not new."""

from __future__ import annotations

import sqlalchemy.exc

from concierge.resolvers.store.clock import utcnow
from concierge.resolvers.store.repository import Repository
from concierge.resolvers.store.tables import webhook_events


class WebhookEvents(Repository):
    async def first_time(self, vendor: str, event_id: str) -> bool:
        """True exactly once per (vendor, event_id), however many deliveries race: the
        primary key decides, not a read before the write."""
        try:
            async with self._begin() as connection:
                await connection.execute(
                    webhook_events.insert().values(
                        vendor=vendor, event_id=event_id, seen_at=utcnow()
                    )
                )
        except sqlalchemy.exc.IntegrityError:
            return False
        return True
