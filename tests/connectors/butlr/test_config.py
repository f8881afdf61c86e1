"""Configuration mistakes are refused at start-up, naming the setting; secrets stay hidden."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest

from concierge.connectors.butlr import ButlrConfig

GOOD: dict[str, Any] = {"client_id": "client", "client_secret": "very-secret"}
USER: dict[str, Any] = {"grant": "password", "username": "pm@example.com", "password": "hunter2"}


@pytest.mark.parametrize(
    ("change", "setting"),
    [
        ({"client_secret": ""}, "client_secret"),
        ({"client_secret": None}, "client_secret"),
        ({"client_id": " "}, "client_id"),
        ({"audience": ""}, "audience"),
        ({"api_url": "ftp://api.butlr.io"}, "api_url"),
        ({"api_url": "api.butlr.io"}, "api_url"),
        ({"auth_url": "//nohost"}, "auth_url"),
        ({"grant": "implicit"}, "grant"),
        ({"page_size": 101}, "page_size"),
        ({"page_size": 0}, "page_size"),
        ({"fan_out": 0}, "fan_out"),
        ({"occupancy_lookback": timedelta(seconds=90)}, "occupancy_lookback"),
        ({"rate_limit_per_minute": 0}, "rate_limit_per_minute"),
        ({"breaker_probe_s": 0}, "breaker_probe_s"),
        ({**USER, "username": ""}, "username"),
        ({**USER, "password": None}, "password"),
    ],
)
def test_a_bad_setting_is_a_value_error_naming_it(change: dict[str, Any], setting: str) -> None:
    with pytest.raises(ValueError, match=setting):
        ButlrConfig(**{**GOOD, **change})


def test_a_user_account_needs_no_client_secret() -> None:
    config = ButlrConfig(**USER)
    assert config.token_key == "butlr:pm@example.com:password"
    assert config.login_url == "https://api.butlr.io"


def test_logins_go_to_the_auth_url_when_given() -> None:
    config = ButlrConfig(**GOOD, auth_url="https://auth.example.com/", account="hq")
    assert config.login_url == "https://auth.example.com"
    assert config.token_key == "butlr:hq:client_credentials"


def test_secrets_are_not_in_the_repr() -> None:
    text = repr(ButlrConfig(**GOOD)) + repr(ButlrConfig(**USER))
    assert "very-secret" not in text
    assert "hunter2" not in text
