"""What every repository shares: its engine, transactions whose outages are translated, and
one upsert spelled for each database."""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator, Mapping, Sequence
from typing import Any

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

from concierge.resolvers.store.engine import unavailable_as


class Repository:
    def __init__(self, engine: AsyncEngine) -> None:
        self._engine = engine

    @contextlib.asynccontextmanager
    async def _begin(self) -> AsyncIterator[AsyncConnection]:
        """One transaction: committed when the block ends, rolled back when it raises."""
        with unavailable_as(self._engine.url):
            async with self._engine.begin() as connection:
                yield connection

    def _upsert(
        self, table: sa.Table, values: Mapping[str, Any], keys: Sequence[str]
    ) -> sa.Executable:
        """INSERT, or UPDATE the row with the same `keys`, in one atomic statement."""
        changed = [name for name in values if name not in keys]
        if self._engine.dialect.name == "postgresql":
            pg = postgresql.insert(table).values(**values)
            return pg.on_conflict_do_update(
                index_elements=list(keys), set_={name: pg.excluded[name] for name in changed}
            )
        lite = sqlite.insert(table).values(**values)
        return lite.on_conflict_do_update(
            index_elements=list(keys), set_={name: lite.excluded[name] for name in changed}
        )
