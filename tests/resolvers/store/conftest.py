"""Every store test runs on a SQLite file and on PostgreSQL, each on a database of its own."""

from __future__ import annotations

import contextlib
import os
import socket
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable
from pathlib import Path

import pytest
import sqlalchemy as sa
from cryptography.fernet import Fernet, MultiFernet
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import create_async_engine

from concierge.resolvers.store.sql import SqlStore

# The server CI and developers' machines start; a database per test is made inside it.
POSTGRES_URL = os.environ.get(
    "CONCIERGE_TEST_POSTGRES_URL", "postgresql+asyncpg://postgres@127.0.0.1:5432/test"
)

OpenStore = Callable[[], Awaitable[SqlStore]]


def _postgres_refused() -> str | None:
    url = make_url(POSTGRES_URL)
    try:
        with socket.create_connection((url.host or "127.0.0.1", url.port or 5432), timeout=1):
            return None
    except OSError as exc:
        return f"PostgreSQL at {url.host}:{url.port or 5432} refused a connection ({exc})"


@contextlib.asynccontextmanager
async def fresh_postgres_database() -> AsyncIterator[str]:
    """A new, empty database on the test server, dropped afterwards (with its connections)."""
    refused = _postgres_refused()
    if refused:
        if os.environ.get("CONCIERGE_CI") == "1":
            pytest.fail(refused)
        pytest.skip(refused)
    name = f"concierge_test_{uuid.uuid4().hex[:12]}"
    admin = create_async_engine(POSTGRES_URL, isolation_level="AUTOCOMMIT")
    try:
        async with admin.connect() as connection:
            await connection.execute(sa.text(f'CREATE DATABASE "{name}"'))
        try:
            yield make_url(POSTGRES_URL).set(database=name).render_as_string(hide_password=False)
        finally:
            async with admin.connect() as connection:
                await connection.execute(sa.text(f'DROP DATABASE "{name}" WITH (FORCE)'))
    finally:
        await admin.dispose()


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.requires_postgres)])
async def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> AsyncIterator[str]:
    if request.param == "sqlite":
        yield f"sqlite+aiosqlite:///{tmp_path / 'store' / 'concierge.db'}"
        return
    async with fresh_postgres_database() as url:
        yield url


@pytest.fixture
async def postgres_url() -> AsyncIterator[str]:
    """For tests that only mean something with a shared server (two replicas)."""
    async with fresh_postgres_database() as url:
        yield url


@pytest.fixture
def token_key() -> MultiFernet:
    return MultiFernet([Fernet(Fernet.generate_key())])


@pytest.fixture
async def open_store(database_url: str, token_key: MultiFernet) -> AsyncIterator[OpenStore]:
    """Open (and migrate) a store on this test's database: call it again for a "restart"
    or a second replica; every store opened is closed after the test."""
    opened: list[SqlStore] = []

    async def open_one() -> SqlStore:
        store = await SqlStore.open(database_url, token_key)
        opened.append(store)
        return store

    try:
        yield open_one
    finally:
        for store in opened:
            await store.close()


@pytest.fixture
async def store(open_store: OpenStore) -> SqlStore:
    return await open_store()
