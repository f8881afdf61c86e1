"""Vendor tokens in the store: encrypted at rest, still there after a restart."""

from __future__ import annotations

import logging
import stat
from pathlib import Path

import pytest
import sqlalchemy as sa
from cryptography.fernet import Fernet, MultiFernet

from concierge.connectors.tokens import TokenSet
from concierge.resolvers.store.errors import StoreConfigError
from concierge.resolvers.store.sql import SqlStore
from concierge.resolvers.store.tables import vendor_tokens
from concierge.resolvers.store.token_key import load_token_key
from tests.resolvers.store.conftest import OpenStore

TOKENS = TokenSet("access-secret-1", 1_900_000_000.0, "refresh-secret-1")


async def _raw_rows(store: SqlStore) -> list[str]:
    async with store.engine.connect() as connection:
        rows = (await connection.execute(sa.select(vendor_tokens))).all()
    return [repr(tuple(row)) for row in rows]


async def test_tokens_are_encrypted_at_rest(store: SqlStore) -> None:
    await store.tokens.save("butterflymx:client", TOKENS)

    rows = await _raw_rows(store)

    assert len(rows) == 1
    assert "access-secret-1" not in rows[0]
    assert "refresh-secret-1" not in rows[0]


async def test_a_restarted_store_returns_the_same_tokens(open_store: OpenStore) -> None:
    before = await open_store()
    await before.tokens.save("remotelock:client", TOKENS)
    await before.close()

    after = await open_store()

    assert await after.tokens.load("remotelock:client") == TOKENS
    assert await after.tokens.load("another-account") is None


async def test_a_rotated_refresh_token_replaces_the_old_one_in_place(store: SqlStore) -> None:
    rotated = TokenSet("access-secret-2", 1_900_000_100.0, "refresh-secret-2")
    await store.tokens.save("remotelock:client", TOKENS)
    await store.tokens.save("remotelock:client", rotated)

    assert await store.tokens.load("remotelock:client") == rotated
    assert len(await _raw_rows(store)) == 1


async def test_another_key_cannot_read_them_and_says_so_once(
    database_url: str, token_key: MultiFernet, caplog: pytest.LogCaptureFixture
) -> None:
    writer = await SqlStore.open(database_url, token_key)
    await writer.tokens.save("butlr:client", TOKENS)
    await writer.close()
    reader = await SqlStore.open(database_url, MultiFernet([Fernet(Fernet.generate_key())]))
    try:
        with caplog.at_level(logging.WARNING, logger="concierge.resolvers.store.tokens"):
            first = await reader.tokens.load("butlr:client")
            second = await reader.tokens.load("butlr:client")
    finally:
        await reader.close()

    assert first is None
    assert second is None
    assert len([r for r in caplog.records if "do not decrypt" in r.getMessage()]) == 1


async def test_a_rotated_key_still_reads_tokens_written_with_the_old_one(
    database_url: str, token_key: MultiFernet
) -> None:
    old = Fernet.generate_key().decode()
    writer = await SqlStore.open(database_url, load_token_key(".", token_key=old))
    await writer.tokens.save("butlr:client", TOKENS)
    await writer.close()

    both = f"{Fernet.generate_key().decode()},{old}"
    reader = await SqlStore.open(database_url, load_token_key(".", token_key=both))
    try:
        assert await reader.tokens.load("butlr:client") == TOKENS
    finally:
        await reader.close()


def test_without_a_configured_key_one_is_generated_once_and_kept_private(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level(logging.INFO, logger="concierge.resolvers.store.token_key"):
        first = load_token_key(tmp_path / "data")
        second = load_token_key(tmp_path / "data")

    path = tmp_path / "data" / "token.key"
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert second.decrypt(first.encrypt(b"x")) == b"x"
    assert len([r for r in caplog.records if "generated" in r.getMessage()]) == 1


def test_a_key_file_is_read(tmp_path: Path) -> None:
    key = Fernet.generate_key()
    (tmp_path / "key").write_bytes(key + b"\n")

    loaded = load_token_key(tmp_path / "unused", token_key_file=str(tmp_path / "key"))

    assert Fernet(key).decrypt(loaded.encrypt(b"x")) == b"x"
    assert not (tmp_path / "unused").exists()


@pytest.mark.parametrize(
    ("kwargs", "named"),
    [
        ({"token_key": "not-a-key"}, "token_key"),
        ({"token_key_file": "/nonexistent/token.key"}, "token_key_file"),
    ],
)
def test_a_bad_key_setting_is_named(tmp_path: Path, kwargs: dict[str, str], named: str) -> None:
    with pytest.raises(StoreConfigError, match=named):
        load_token_key(tmp_path, **kwargs)
