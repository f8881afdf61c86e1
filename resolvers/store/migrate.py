"""Alembic, configured in code: `upgrade` on start-up and by `concierge db upgrade`.

The migrations live in the package (`migrations/`), so a wheel carries them and no
alembic.ini is needed at run time. Alembic is synchronous: it runs on the async engine's
connection through `run_sync` (Alembic's documented async pattern). Reading the migration
scripts is file I/O on the loop, once, at start-up.
"""

from __future__ import annotations

from pathlib import Path

import sqlalchemy as sa
from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy.ext.asyncio import AsyncEngine

from concierge.resolvers.store.engine import unavailable_as

MIGRATIONS = Path(__file__).parent / "migrations"
# Replicas starting together take turns: the second finds the first's tables.
MIGRATION_LOCK = 0x636F6E63  # "conc"


def alembic_config(connection: sa.Connection | None = None) -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    config.attributes["connection"] = connection
    return config


def head() -> str:
    revision = ScriptDirectory.from_config(alembic_config()).get_current_head()
    assert revision is not None, "the store has no migrations"
    return revision


async def upgrade(engine: AsyncEngine) -> None:
    """Bring the database to the newest revision; a no-op when it is there already."""
    with unavailable_as(engine.url):
        async with engine.begin() as connection:
            if connection.dialect.name == "postgresql":
                await connection.execute(
                    sa.text("SELECT pg_advisory_xact_lock(:key)"), {"key": MIGRATION_LOCK}
                )
            await connection.run_sync(_upgrade)


async def current(engine: AsyncEngine) -> str | None:
    """The revision the database is at (None: never migrated)."""
    with unavailable_as(engine.url):
        async with engine.connect() as connection:
            return await connection.run_sync(_current)


def _upgrade(connection: sa.Connection) -> None:
    command.upgrade(alembic_config(connection), "head")


def _current(connection: sa.Connection) -> str | None:
    return MigrationContext.configure(connection).get_current_revision()
