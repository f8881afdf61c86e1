"""Alembic's environment: migrations run on the connection `resolvers.store.migrate` hands in.

Run from the `alembic` command line (to author a revision) it opens its own async engine
from `sqlalchemy.url`, as Alembic's async template does.
"""

from __future__ import annotations

import asyncio

import sqlalchemy as sa
from alembic import context

from concierge.resolvers.store.engine import create_engine
from concierge.resolvers.store.tables import metadata


def _run(connection: sa.Connection) -> None:
    # Batch mode: SQLite alters a table by copying it; later migrations need that.
    context.configure(connection=connection, target_metadata=metadata, render_as_batch=True)
    with context.begin_transaction():
        context.run_migrations()


async def _run_on_own_engine(url: str) -> None:
    engine = create_engine(url)
    try:
        async with engine.begin() as connection:
            await connection.run_sync(_run)
    finally:
        await engine.dispose()


def _main() -> None:
    config = context.config
    if context.is_offline_mode():
        context.configure(
            url=config.get_main_option("sqlalchemy.url"),
            target_metadata=metadata,
            literal_binds=True,
        )
        with context.begin_transaction():
            context.run_migrations()
        return
    connection = config.attributes.get("connection")
    if connection is not None:
        _run(connection)
        return
    url = config.get_main_option("sqlalchemy.url")
    if not url:
        raise RuntimeError("set sqlalchemy.url, or migrate with `concierge db upgrade`")
    asyncio.run(_run_on_own_engine(url))


_main()
