"""The store as the settings describe it: opened (and migrated) once by the lifespan or the CLI."""

from __future__ import annotations

from pathlib import Path

from concierge.resolvers.store.engine import (
    create_engine,
    default_database_url,
    parse_database_url,
    shown,
)
from concierge.resolvers.store.errors import StoreConfigError, StoreUnavailableError
from concierge.resolvers.store.migrate import current, head
from concierge.resolvers.store.sql import SqlStore
from concierge.resolvers.store.token_key import load_token_key
from concierge.server.settings import Settings, SettingsError


def database_url(settings: Settings) -> str:
    """The configured URL, or the default SQLite file in `data_dir` (relative: to the cwd)."""
    url = settings.database_url or default_database_url(Path(settings.data_dir))
    try:
        parse_database_url(url)
    except StoreConfigError as exc:
        raise SettingsError(str(exc)) from exc
    return url


async def open_store(settings: Settings) -> SqlStore:
    """Connect, migrate, and read the token key; a mistake names the setting.

    Raises `StoreUnavailableError` (naming `database_url`) when the database does not answer.
    """
    if settings.idempotency_ttl_s <= 0:
        raise SettingsError(
            f"setting 'idempotency_ttl_s' must be positive, got {settings.idempotency_ttl_s!r}"
        )
    url = database_url(settings)
    try:
        # Blocking file I/O, once, before the server is ready.
        token_key = load_token_key(
            settings.data_dir,
            settings.token_key,
            settings.token_key_file,
            shared=not url.startswith("sqlite"),
        )
        return await SqlStore.open(url, token_key, idempotency_ttl_s=settings.idempotency_ttl_s)
    except StoreConfigError as exc:
        raise SettingsError(str(exc)) from exc
    except StoreUnavailableError as exc:
        raise StoreUnavailableError(f"setting 'database_url': {exc}") from exc


async def migrate(settings: Settings) -> tuple[str, str | None]:
    """Upgrade the configured database to the newest revision: (where, revision now)."""
    store = await open_store(settings)
    try:
        return shown(store.engine.url), await current(store.engine)
    finally:
        await store.close()


async def revisions(settings: Settings) -> tuple[str, str | None, str]:
    """Where the configured database is, its revision, and the newest revision there is."""
    engine = create_engine(database_url(settings))
    try:
        try:
            at = await current(engine)
        except StoreUnavailableError as exc:
            raise StoreUnavailableError(f"setting 'database_url': {exc}") from exc
        return shown(engine.url), at, head()
    finally:
        await engine.dispose()


__all__ = ["database_url", "migrate", "open_store", "revisions"]
