"""Configuration mistakes are refused at start-up, naming the setting; secrets stay hidden."""

from __future__ import annotations

from typing import Any

import pytest

from concierge.connectors.butterflymx import ButterflyMXConfig

GOOD: dict[str, Any] = {
    "auth_url": "https://accountssandbox.butterflymx.com",
    "api_url": "https://apisandbox.butterflymx.com",
    "client_id": "client",
    "client_secret": "very-secret",
    "username": "manager@example.com",
    "password": "hunter2",
}


@pytest.mark.parametrize(
    ("change", "setting"),
    [
        ({"client_secret": ""}, "client_secret"),
        ({"client_id": ""}, "client_id"),
        ({"auth_url": "ftp://accounts.example.com"}, "auth_url"),
        ({"api_url": "apisandbox.butterflymx.com"}, "api_url"),
        ({"username": None}, "username"),
        ({"password": ""}, "password"),
        ({"grant": "implicit"}, "grant"),
        ({"grant": "authorization_code"}, "redirect_uri"),
        ({"grant": "authorization_code", "redirect_uri": "myapp://cb"}, "redirect_uri"),
        ({"page_size": 101}, "page_size"),
        ({"page_size": 0}, "page_size"),
        ({"rate_limit_per_minute": 0}, "rate_limit_per_minute"),
        ({"breaker_probe_s": 0}, "breaker_probe_s"),
    ],
)
def test_a_bad_setting_is_a_value_error_naming_it(change: dict[str, Any], setting: str) -> None:
    with pytest.raises(ValueError, match=setting):
        ButterflyMXConfig(**{**GOOD, **change})


def test_a_code_grant_account_needs_no_password() -> None:
    config = ButterflyMXConfig(
        **{**GOOD, "username": None, "password": None},
        grant="authorization_code",
        redirect_uri="https://concierge.example.com/oauth/butterflymx",
        account="resident-42",
    )
    assert config.token_key == "butterflymx:client:resident-42"


def test_secrets_are_not_in_the_repr() -> None:
    text = repr(ButterflyMXConfig(**GOOD))
    assert "very-secret" not in text
    assert "hunter2" not in text
    assert "manager@example.com" in text


def test_the_rate_limit_is_on_by_default_and_can_be_turned_off() -> None:
    assert ButterflyMXConfig(**GOOD).rate_limit_per_minute == 600
    assert ButterflyMXConfig(**GOOD, rate_limit_per_minute=None).rate_limit_per_minute is None
