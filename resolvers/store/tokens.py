"""Vendor token sets, encrypted at rest (Fernet), behind the connectors' `TokenStorage`.

A token that cannot be read (another key, a damaged row) or a database that does not
answer counts as no stored token: the connector logs in again rather than failing reads.
A save that fails is logged and the token lives on in memory; raising would lose a
refresh token the vendor has already rotated.

Which accounts have stored tokens is read once when the store opens (`know_accounts`): the
first renewal of an account with nothing stored then goes straight to the vendor, as fast
as before there was a database (an account another replica stores later is logged in again
here, which costs one login and nothing else).
"""

from __future__ import annotations

import contextlib
import json
import logging
from collections.abc import AsyncIterator

import sqlalchemy as sa
from cryptography.fernet import InvalidToken, MultiFernet
from sqlalchemy.ext.asyncio import AsyncEngine

from concierge.connectors.tokens import TokenSet
from concierge.resolvers.store.clock import utcnow
from concierge.resolvers.store.errors import StoreUnavailableError
from concierge.resolvers.store.repository import Repository
from concierge.resolvers.store.tables import vendor_tokens

log = logging.getLogger(__name__)
LOCK_SPACE = 0x7C0C  # advisory lock namespace of token renewals (the first key of two)
RENEWAL_LOCK_TIMEOUT_S = 10.0  # a vendor token request's own timeout is shorter


class SqlTokenStorage(Repository):
    def __init__(self, engine: AsyncEngine, fernet: MultiFernet) -> None:
        super().__init__(engine)
        self._fernet = fernet
        self._unreadable: set[str] = set()  # accounts already logged as unreadable
        self._stored: set[str] | None = None  # accounts with a row; None: ask every time

    async def know_accounts(self) -> None:
        """Read which accounts have stored tokens (not the tokens: those are read fresh)."""
        async with self._begin() as connection:
            accounts = await connection.scalars(sa.select(vendor_tokens.c.account))
            self._stored = set(accounts)

    async def load(self, key: str) -> TokenSet | None:
        table = vendor_tokens
        if self._stored is not None and key not in self._stored:
            return None
        try:
            async with self._begin() as connection:
                ciphertext = await connection.scalar(
                    table.select()
                    .with_only_columns(table.c.ciphertext)
                    .where(table.c.account == key)
                )
        except StoreUnavailableError as exc:
            log.warning("stored tokens for %s not read (%s): logging in again", key, exc)
            return None
        if ciphertext is None:
            return None
        try:
            plain = self._fernet.decrypt(str(ciphertext).encode())
        except InvalidToken:
            if key not in self._unreadable:
                self._unreadable.add(key)
                log.warning(
                    "stored tokens for %s do not decrypt with this token key: logging in again",
                    key,
                )
            return None
        data = json.loads(plain)
        return TokenSet(
            access_token=data["access_token"],
            expires_at=float(data["expires_at"]),
            refresh_token=data.get("refresh_token"),
        )

    @contextlib.asynccontextmanager
    async def renewing(self, key: str) -> AsyncIterator[object]:
        """On PostgreSQL, a transaction-scoped advisory lock per account: replicas renew
        one at a time, and the one that waited reads the set the first one saved.

        A lock that cannot be had (database down, `RENEWAL_LOCK_TIMEOUT` passed) is logged
        and the renewal goes ahead without it: at worst as before, one replica's refresh
        is refused and it asks for re-authorisation, never a request hanging.
        """
        if self._engine.dialect.name != "postgresql":
            yield None  # SQLite: one file belongs to one server process
            return
        held = contextlib.AsyncExitStack()
        try:
            connection = await held.enter_async_context(self._begin())
            await connection.execute(
                sa.text(f"SET LOCAL lock_timeout = '{int(RENEWAL_LOCK_TIMEOUT_S * 1000)}ms'")
            )
            await connection.execute(
                sa.text("SELECT pg_advisory_xact_lock(:space, hashtext(:account))"),
                {"space": LOCK_SPACE, "account": key},
            )
            # Another replica may have stored this account since we opened: look again.
            row = sa.select(vendor_tokens.c.account).where(vendor_tokens.c.account == key)
            if await connection.scalar(row) is not None and self._stored is not None:
                self._stored.add(key)
        except (StoreUnavailableError, sa.exc.DBAPIError, OSError) as exc:
            await _close_quietly(held)
            log.warning("renewing %s without the replicas' lock (%s)", key, exc)
            yield None
            return
        try:
            yield None
        finally:
            await _close_quietly(held)

    async def save(self, key: str, tokens: TokenSet) -> None:
        plain = json.dumps(
            {
                "access_token": tokens.access_token,
                "expires_at": tokens.expires_at,
                "refresh_token": tokens.refresh_token,
            }
        )
        values = {
            "account": key,
            "ciphertext": self._fernet.encrypt(plain.encode()).decode(),
            "updated_at": utcnow(),
        }
        try:
            async with self._begin() as connection:
                await connection.execute(self._upsert(vendor_tokens, values, ["account"]))
        except StoreUnavailableError as exc:
            log.warning("tokens for %s kept in memory only, not stored (%s)", key, exc)
            return
        self._unreadable.discard(key)
        if self._stored is not None:
            self._stored.add(key)

    async def forget(self, key: str) -> None:
        """Delete an account's tokens (a resident's link that the vendor revoked)."""
        async with self._begin() as connection:
            await connection.execute(vendor_tokens.delete().where(vendor_tokens.c.account == key))
        if self._stored is not None:
            self._stored.discard(key)


async def _close_quietly(held: contextlib.AsyncExitStack) -> None:
    """End the lock's transaction; if the database went away meanwhile, so did the lock."""
    try:
        await held.aclose()
    except (StoreUnavailableError, sa.exc.DBAPIError, OSError) as exc:
        log.warning("the token renewal lock's transaction did not end cleanly (%s)", exc)
