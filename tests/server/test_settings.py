"""Settings come from TOML and the environment, fail loudly, and never print secrets."""

from pathlib import Path

import pytest

from server.settings import SettingsError, load_settings


def test_environment_overrides_the_file(tmp_path: Path) -> None:
    config = tmp_path / "c.toml"
    config.write_text('port = 9000\nhost = "0.0.0.0"\n')
    settings = load_settings(config, {"CONCIERGE_PORT": "9100"})
    assert settings.port == 9100
    assert settings.host == "0.0.0.0"
    assert settings.embedded_sandbox


def test_a_configured_vendor_keeps_its_secret_out_of_repr() -> None:
    env = {
        "CONCIERGE_BUTLR_API_URL": "https://api.butlr.io",
        "CONCIERGE_BUTLR_AUTH_URL": "https://api.butlr.io",
        "CONCIERGE_BUTLR_CLIENT_ID": "client",
        "CONCIERGE_BUTLR_CLIENT_SECRET": "hunter2",
    }
    settings = load_settings(None, env)
    assert settings.vendors["butlr"].credentials["client_secret"] == "hunter2"
    assert "hunter2" not in repr(settings)


@pytest.mark.parametrize(
    ("env", "message"),
    [
        ({"CONCIERGE_PORT": "eighty"}, "'port' must be int"),
        ({"CONCIERGE_BUTLR_CLIENT_ID": "x"}, "'api_url' is required"),
    ],
)
def test_mistakes_name_the_setting(env: dict[str, str], message: str) -> None:
    with pytest.raises(SettingsError, match=message):
        load_settings(None, env)


def test_a_bad_base_url_is_rejected(tmp_path: Path) -> None:
    config = tmp_path / "c.toml"
    config.write_text(
        '[vendors.butlr]\napi_url = "api.butlr.io"\nauth_url = "https://api.butlr.io"\n'
        'client_id = "a"\nclient_secret = "b"\n'
    )
    with pytest.raises(SettingsError, match="'api_url' must be an http"):
        load_settings(config, {})
