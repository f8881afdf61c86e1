"""Settings come from TOML and the environment, fail loudly, and never print secrets."""

from pathlib import Path

import pytest

from concierge.server.settings import Settings, SettingsError, load_settings


def test_environment_overrides_the_file(tmp_path: Path) -> None:
    config = tmp_path / "c.toml"
    config.write_text('port = 9000\nhost = "0.0.0.0"\n')
    settings = load_settings(config, {"CONCIERGE_PORT": "9100"})
    assert settings.port == 9100
    assert settings.host == "0.0.0.0"
    assert settings.embedded_sandbox


def test_operation_limits_come_from_the_file_and_the_environment(tmp_path: Path) -> None:
    config = tmp_path / "c.toml"
    config.write_text("max_query_depth = 20\nfast_execution = false\noperation_timeout_s = 3\n")
    settings = load_settings(
        config, {"CONCIERGE_MAX_RESULT_OBJECTS": "1000", "CONCIERGE_MAX_QUERY_TOKENS": "500"}
    )
    assert (settings.max_query_depth, settings.fast_execution) == (20, False)
    assert (settings.max_result_objects, settings.max_query_tokens) == (1000, 500)
    assert settings.operation_timeout_s == 3.0
    assert load_settings(None, {"CONCIERGE_FAST_EXECUTION": "true"}).fast_execution is True


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
        ({"CONCIERGE_FAST_EXECUTION": "maybe"}, "'fast_execution' must be boolean"),
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


def test_operations_settings_from_the_environment() -> None:
    settings = load_settings(
        environ={
            "CONCIERGE_LOG_FORMAT": "JSON",
            "CONCIERGE_LOG_LEVEL": "debug",
            "CONCIERGE_TRACING": "true",
            "CONCIERGE_OTLP_ENDPOINT": "http://collector:4318",
            "CONCIERGE_REDIS_URL": "redis://redis:6379/0",
            "CONCIERGE_SHUTDOWN_TIMEOUT_S": "5",
        }
    )
    assert settings.log_format == "json"
    assert settings.log_level == "DEBUG"
    assert settings.tracing is True
    assert settings.otlp_endpoint == "http://collector:4318"
    assert settings.redis_url == "redis://redis:6379/0"
    assert settings.shutdown_timeout_s == 5.0
    assert Settings().tracing is False


def test_a_wrong_log_format_names_the_setting() -> None:
    with pytest.raises(SettingsError, match="log_format"):
        load_settings(environ={"CONCIERGE_LOG_FORMAT": "xml"})


def test_real_time_settings_load_from_the_environment_and_redis_password_is_masked() -> None:
    from concierge.server.settings import load_settings

    settings = load_settings(
        environ={
            "CONCIERGE_REDIS_URL": "redis://:hunter2@redis:6379/0",
            "CONCIERGE_CALL_POLL_S": "0.5",
        }
    )
    assert settings.redis_url == "redis://:hunter2@redis:6379/0"
    assert settings.call_poll_s == 0.5
    assert "hunter2" not in repr(settings)
