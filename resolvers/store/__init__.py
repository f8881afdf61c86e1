"""The store: state that must outlive a request and a restart.

Vendor tokens (encrypted), idempotency records, unlock attempts, visitor keys, webhook
event IDs seen and the audit log, each a repository on one SQLAlchemy async engine:
a SQLite file by default, PostgreSQL for several replicas (`sql.SqlStore`). Records go
in and come out as the dataclasses of `records`; failures are the tree in `errors`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Protocol

from concierge.connectors.tokens import TokenStorage

if TYPE_CHECKING:
    from concierge.resolvers.store.attempts import UnlockAttempts
    from concierge.resolvers.store.audit import AuditLog
    from concierge.resolvers.store.cursors import IngressCursors
    from concierge.resolvers.store.idempotency import IdempotencyRecords
    from concierge.resolvers.store.keys import VisitorKeys
    from concierge.resolvers.store.webhooks import WebhookEvents


class Store(Protocol):
    @property
    def tokens(self) -> TokenStorage:
        """Vendor token sets by account key (refresh tokens rotate: saved before use)."""
        ...

    @property
    def idempotency(self) -> IdempotencyRecords: ...

    @property
    def attempts(self) -> UnlockAttempts: ...

    @property
    def keys(self) -> VisitorKeys: ...

    @property
    def webhook_events(self) -> WebhookEvents: ...

    @property
    def audit(self) -> AuditLog: ...

    @property
    def cursors(self) -> IngressCursors:
        """Where webhook back-fill resumes, per vendor."""
        ...

    async def close(self) -> None: ...


__all__ = ["Store"]
