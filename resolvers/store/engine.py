"""One async engine for SQLite (aiosqlite) and PostgreSQL (asyncpg), and the one place where
the drivers' errors become the store's."""

from __future__ import annotations

import contextlib
import logging
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import sqlalchemy as sa
import sqlalchemy.exc
from sqlalchemy.engine import URL, make_url
from sqlalchemy.ext.asyncio import AsyncEngine, create_async_engine

from concierge.resolvers.store.errors import StoreConfigError, StoreUnavailableError

log = logging.getLogger(__name__)

DATABASE_FILE = "concierge.db"
# A plain driver name is accepted and mapped to its asyncio driver (the one code path).
ASYNC_DRIVERS = {"sqlite": "sqlite+aiosqlite", "postgresql": "postgresql+asyncpg"}
CONNECT_TIMEOUT_S = 5.0
STATEMENT_TIMEOUT_S = 10.0
POOL_TIMEOUT_S = 10.0


def default_database_url(data_dir: str | Path) -> str:
    """The zero-config database: a SQLite file in the data directory."""
    return f"sqlite+aiosqlite:///{Path(data_dir).resolve() / DATABASE_FILE}"


def parse_database_url(database_url: str) -> URL:
    """The URL with its asyncio driver; a mistake names the `database_url` setting."""
    try:
        url = make_url(database_url)
    except sqlalchemy.exc.ArgumentError as exc:
        raise StoreConfigError(f"setting 'database_url' is not a URL: {database_url!r}") from exc
    backend = url.get_backend_name()
    if backend not in ASYNC_DRIVERS:
        raise StoreConfigError(
            f"setting 'database_url' must be a sqlite:// or postgresql:// URL, "
            f"got {url.render_as_string(hide_password=True)!r}"
        )
    if url.drivername == backend:
        url = url.set(drivername=ASYNC_DRIVERS[backend])
    if url.drivername != ASYNC_DRIVERS[backend]:
        raise StoreConfigError(
            f"setting 'database_url': driver {url.drivername!r} is not supported; "
            f"use {ASYNC_DRIVERS[backend]!r}"
        )
    if backend == "sqlite" and url.database in (None, "", ":memory:"):
        # Each pooled connection would get its own empty database: nothing would be shared.
        raise StoreConfigError("setting 'database_url' must name a SQLite file, not :memory:")
    return url


def shown(url: URL) -> str:
    return url.render_as_string(hide_password=True)


def create_engine(database_url: str) -> AsyncEngine:
    url = parse_database_url(database_url)
    if url.get_backend_name() == "sqlite":
        assert url.database is not None
        Path(url.database).parent.mkdir(parents=True, exist_ok=True)
        engine = create_async_engine(
            url, connect_args={"timeout": STATEMENT_TIMEOUT_S}, pool_timeout=POOL_TIMEOUT_S
        )
        sa.event.listen(engine.sync_engine, "connect", _sqlite_pragmas)
        return engine
    return create_async_engine(
        url,
        connect_args={"timeout": CONNECT_TIMEOUT_S, "command_timeout": STATEMENT_TIMEOUT_S},
        pool_timeout=POOL_TIMEOUT_S,
        pool_pre_ping=True,  # a replica outlives database restarts
    )


def _sqlite_pragmas(dbapi_connection: Any, connection_record: Any) -> None:
    cursor = dbapi_connection.cursor()
    # WAL: readers (pollers waiting on a claim) never block the writer, nor it them.
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    # synchronous stays FULL: NORMAL halves a commit (4.9 -> 2.3 ms) but a power cut could
    # then forget a claim whose unlock was sent, and a retry would open the door twice.
    cursor.close()


# The driver errors that are about our SQL or our data, never about the database's health.
OURS = (
    sqlalchemy.exc.IntegrityError,
    sqlalchemy.exc.ProgrammingError,
    sqlalchemy.exc.DataError,
    sqlalchemy.exc.NotSupportedError,
)


@contextlib.contextmanager
def unavailable_as(url: URL | str) -> Iterator[None]:
    """Translate "the database did not answer" into `StoreUnavailableError`, naming it.

    Only failures of the database or the way to it (refused, no such database, bad password,
    gone away): an SQL mistake or a broken constraint (a bug, or a race a caller handles)
    stays what it is.
    """
    where = shown(url) if isinstance(url, URL) else url
    try:
        yield
    except OURS:
        raise
    except sqlalchemy.exc.DBAPIError as exc:
        raise StoreUnavailableError(f"database {where}: {_reason(exc)}") from exc
    except sqlalchemy.exc.TimeoutError as exc:
        raise StoreUnavailableError(f"database {where}: no free connection in time") from exc
    except OSError as exc:  # refused, unreachable, timed out (TimeoutError is an OSError)
        raise StoreUnavailableError(f"database {where}: {exc or type(exc).__name__}") from exc


def _reason(exc: sqlalchemy.exc.DBAPIError) -> str:
    return str(exc.orig).strip().splitlines()[0] if exc.orig is not None else str(exc)
