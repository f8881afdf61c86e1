"""The store's settings: defaults, file and environment, secrets out of `repr`, named mistakes."""

from __future__ import annotations

from pathlib import Path

import pytest

from concierge.server.settings import Settings, SettingsError, load_settings
from concierge.server.store import database_url, open_store


def test_by_default_the_store_is_a_sqlite_file_in_the_data_directory() -> None:
    settings = load_settings(None, {})

    assert settings.data_dir == ".concierge"
    assert settings.idempotency_ttl_s == 24 * 3600
    assert database_url(settings) == (
        f"sqlite+aiosqlite:///{Path('.concierge').resolve() / 'concierge.db'}"
    )


def test_store_settings_come_from_the_file_and_the_environment(tmp_path: Path) -> None:
    config = tmp_path / "c.toml"
    config.write_text(
        'data_dir = "/srv/concierge"\ntoken_key_file = "/run/key"\nidempotency_ttl_s = 60\n'
    )
    env = {"CONCIERGE_DATABASE_URL": "postgresql://db/concierge", "CONCIERGE_TOKEN_KEY": "k"}

    settings = load_settings(config, env)

    assert settings.data_dir == "/srv/concierge"
    assert settings.database_url == "postgresql://db/concierge"
    assert settings.token_key == "k"
    assert settings.token_key_file == "/run/key"
    assert settings.idempotency_ttl_s == 60


def test_the_token_key_and_the_database_password_stay_out_of_repr() -> None:
    settings = Settings(
        database_url="postgresql://concierge:hunter2@db:5432/concierge", token_key="s3cret-key"
    )

    shown = repr(settings)

    assert "hunter2" not in shown
    assert "s3cret-key" not in shown
    assert "postgresql://concierge:***@db:5432/concierge" in shown


@pytest.mark.parametrize(
    ("settings", "named"),
    [
        (Settings(database_url="mysql://db/concierge"), "database_url"),
        (Settings(database_url="sqlite+pysqlite:///x.db"), "database_url"),
        (Settings(token_key="not-a-fernet-key"), "token_key"),
        (Settings(idempotency_ttl_s=0), "idempotency_ttl_s"),
    ],
)
async def test_store_mistakes_name_the_setting(settings: Settings, named: str) -> None:
    with pytest.raises(SettingsError, match=named):
        await open_store(settings)


def test_a_mistyped_ttl_names_the_setting() -> None:
    with pytest.raises(SettingsError, match="'idempotency_ttl_s' must be float"):
        load_settings(None, {"CONCIERGE_IDEMPOTENCY_TTL_S": "a day"})
