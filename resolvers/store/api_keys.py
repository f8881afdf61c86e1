"""API keys: `ck_<prefix>_<secret>`; the store keeps the prefix and a SHA-256 of the secret.

The secret has 256 random bits, so a plain SHA-256 is enough (a slow hash protects
guessable passwords, not random keys); comparison is constant-time.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
import uuid
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import sqlalchemy as sa

from concierge.resolvers.store.clock import utcnow
from concierge.resolvers.store.repository import Repository
from concierge.resolvers.store.tables import api_keys

KEY_PREFIX = "ck_"


@dataclass(frozen=True)
class ApiKey:
    id: str
    prefix: str
    name: str
    role: str
    scope: dict[str, Any]
    created_at: datetime
    revoked_at: datetime | None


def _hash(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def _row(row: Any) -> ApiKey:
    return ApiKey(
        id=row.id,
        prefix=row.prefix,
        name=row.name,
        role=row.role,
        scope=dict(row.scope),
        created_at=row.created_at,
        revoked_at=row.revoked_at,
    )


class ApiKeys(Repository):
    async def create(self, name: str, role: str, scope: dict[str, Any]) -> tuple[ApiKey, str]:
        """A new key, and its full text (shown once; only its hash is kept)."""
        prefix = secrets.token_hex(6)
        secret = secrets.token_urlsafe(32)
        record = ApiKey(
            id=str(uuid.uuid4()),
            prefix=prefix,
            name=name,
            role=role,
            scope=scope,
            created_at=utcnow(),
            revoked_at=None,
        )
        async with self._begin() as connection:
            await connection.execute(
                api_keys.insert().values(
                    id=record.id,
                    prefix=prefix,
                    secret_hash=_hash(secret),
                    name=name,
                    role=role,
                    scope=scope,
                    created_at=record.created_at,
                )
            )
        return record, f"{KEY_PREFIX}{prefix}_{secret}"

    async def verify(self, text: str) -> ApiKey | None:
        """The live key `text` is, or None (unknown, wrong secret, revoked)."""
        if not text.startswith(KEY_PREFIX):
            return None
        prefix, _, secret = text[len(KEY_PREFIX) :].partition("_")
        if not prefix or not secret:
            return None
        async with self._begin() as connection:
            row = (
                await connection.execute(api_keys.select().where(api_keys.c.prefix == prefix))
            ).first()
        if row is None or not hmac.compare_digest(row.secret_hash, _hash(secret)):
            return None
        if row.revoked_at is not None:
            return None
        return _row(row)

    async def list(self) -> list[ApiKey]:
        async with self._begin() as connection:
            rows = await connection.execute(api_keys.select().order_by(api_keys.c.created_at))
        return [_row(r) for r in rows]

    async def revoke(self, id_or_prefix: str) -> bool:
        """Revoke by id or prefix; False when there is no such live key."""
        table = api_keys
        async with self._begin() as connection:
            result = await connection.execute(
                table.update()
                .where(sa.or_(table.c.id == id_or_prefix, table.c.prefix == id_or_prefix))
                .where(table.c.revoked_at.is_(None))
                .values(revoked_at=utcnow())
            )
        return bool(result.rowcount)
