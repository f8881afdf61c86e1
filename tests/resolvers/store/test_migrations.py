"""Migrations: applied on an empty database, idempotent, and from the command line."""

from __future__ import annotations

import asyncio
import socket
import sqlite3
import sys
from pathlib import Path

import pytest
import sqlalchemy as sa

from concierge.resolvers.store.engine import create_engine
from concierge.resolvers.store.errors import StoreUnavailableError
from concierge.resolvers.store.migrate import current, head, upgrade
from concierge.resolvers.store.tables import metadata
from concierge.server.settings import Settings
from concierge.server.store import open_store

CONCIERGE = str(Path(sys.executable).parent / "concierge")


def _closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
    return port  # nothing listens once the socket is closed


async def _tables(database_url: str) -> set[str]:
    engine = create_engine(database_url)
    try:
        async with engine.connect() as connection:
            return set(await connection.run_sync(lambda c: sa.inspect(c).get_table_names()))
    finally:
        await engine.dispose()


async def test_upgrade_creates_every_table_and_twice_is_fine(database_url: str) -> None:
    engine = create_engine(database_url)
    try:
        assert await current(engine) is None
        await upgrade(engine)
        await upgrade(engine)
        at = await current(engine)
    finally:
        await engine.dispose()

    assert at == head()
    assert set(metadata.tables) | {"alembic_version"} == await _tables(database_url)


async def test_the_migrated_tables_match_the_models(database_url: str) -> None:
    from alembic.autogenerate import compare_metadata
    from alembic.runtime.migration import MigrationContext

    engine = create_engine(database_url)
    try:
        await upgrade(engine)
        async with engine.connect() as connection:
            differences = await connection.run_sync(
                lambda c: compare_metadata(MigrationContext.configure(c), metadata)
            )
    finally:
        await engine.dispose()

    assert differences == []


async def test_concierge_db_upgrade_creates_the_tables(tmp_path: Path) -> None:
    config = tmp_path / "concierge.toml"
    config.write_text(f'data_dir = "{tmp_path / "data"}"\n')

    upgraded = await asyncio.create_subprocess_exec(
        CONCIERGE, "db", "upgrade", "--config", str(config), stdout=asyncio.subprocess.PIPE
    )
    out, _ = await upgraded.communicate()
    shown = await asyncio.create_subprocess_exec(
        CONCIERGE, "db", "current", "--config", str(config), stdout=asyncio.subprocess.PIPE
    )
    status, _ = await shown.communicate()

    assert upgraded.returncode == 0
    assert head() in out.decode()
    assert shown.returncode == 0
    assert "up to date" in status.decode()
    with sqlite3.connect(tmp_path / "data" / "concierge.db") as db:
        names = {row[0] for row in db.execute("SELECT name FROM sqlite_master WHERE type='table'")}
    assert set(metadata.tables) <= names


async def test_an_unreachable_database_is_one_clear_line_naming_the_setting(
    tmp_path: Path,
) -> None:
    url = f"postgresql://concierge:hunter2@127.0.0.1:{_closed_port()}/concierge"
    settings = Settings(database_url=url, data_dir=str(tmp_path))

    with pytest.raises(StoreUnavailableError) as raised:
        await open_store(settings)
    cli = await asyncio.create_subprocess_exec(
        CONCIERGE,
        "db",
        "upgrade",
        env={"CONCIERGE_DATABASE_URL": url, "CONCIERGE_DATA_DIR": str(tmp_path)},
        stderr=asyncio.subprocess.PIPE,
    )
    _, err = await cli.communicate()

    assert "database_url" in str(raised.value)
    assert "hunter2" not in str(raised.value)
    assert cli.returncode == 1
    lines = err.decode().strip().splitlines()
    assert len(lines) == 1, lines
    assert "database_url" in lines[0]
    assert "hunter2" not in lines[0]
