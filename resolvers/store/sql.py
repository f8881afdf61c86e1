"""`SqlStore`: every repository on one engine (SQLite file or PostgreSQL)."""

from __future__ import annotations

from cryptography.fernet import MultiFernet
from sqlalchemy.ext.asyncio import AsyncEngine

from concierge.resolvers.store.api_keys import ApiKeys
from concierge.resolvers.store.attempts import UnlockAttempts
from concierge.resolvers.store.audit import AuditLog
from concierge.resolvers.store.cursors import IngressCursors
from concierge.resolvers.store.engine import create_engine
from concierge.resolvers.store.idempotency import DEFAULT_TTL_S, IdempotencyRecords
from concierge.resolvers.store.keys import VisitorKeys
from concierge.resolvers.store.links import LinkStates
from concierge.resolvers.store.migrate import upgrade
from concierge.resolvers.store.tokens import SqlTokenStorage
from concierge.resolvers.store.webhooks import WebhookEvents


class SqlStore:
    def __init__(
        self, engine: AsyncEngine, token_key: MultiFernet, *, idempotency_ttl_s: float
    ) -> None:
        self.engine = engine
        self.token_key = (
            token_key  # also seals the shared cache's entries (resolvers/shared_cache.py)
        )
        self.tokens = SqlTokenStorage(engine, token_key)
        self.idempotency = IdempotencyRecords(engine, ttl_s=idempotency_ttl_s)
        self.attempts = UnlockAttempts(engine)
        self.keys = VisitorKeys(engine)
        self.webhook_events = WebhookEvents(engine)
        self.audit = AuditLog(engine)
        self.api_keys = ApiKeys(engine)
        self.link_states = LinkStates(engine)
        self.cursors = IngressCursors(engine)

    @classmethod
    async def open(
        cls,
        database_url: str,
        token_key: MultiFernet,
        *,
        idempotency_ttl_s: float = DEFAULT_TTL_S,
        migrate: bool = True,
    ) -> SqlStore:
        """Connect and (by default) migrate; raises `StoreUnavailableError` naming the
        database when it does not answer, `StoreConfigError` for a URL that cannot work."""
        engine = create_engine(database_url)
        try:
            if migrate:
                await upgrade(engine)
            store = cls(engine, token_key, idempotency_ttl_s=idempotency_ttl_s)
            await store.tokens.know_accounts()
        except BaseException:
            await engine.dispose()
            raise
        return store

    async def close(self) -> None:
        await self.engine.dispose()
