"""Logs: JSON lines with a request ID, vendor, route, status and duration; secrets masked."""

from __future__ import annotations

import io
import json
import logging
from collections.abc import Iterator

import aiohttp
import pytest

from concierge.server.logs import JsonFormatter, TextFormatter, configure_logging
from concierge.server.settings import Settings
from tests.conftest import running_server


@pytest.fixture
def captured() -> Iterator[io.StringIO]:
    stream = io.StringIO()
    root = logging.getLogger()
    saved = root.handlers[:], root.level
    configure_logging("json", "DEBUG", stream)
    try:
        yield stream
    finally:
        root.handlers[:], level = saved
        root.setLevel(level)
        logging.getLogger("uvicorn.access").disabled = False


async def test_requests_and_vendor_calls_are_json_lines_with_one_request_id(
    captured: io.StringIO, concierge_url: str, http: aiohttp.ClientSession
) -> None:
    query = "{ buildings(first: 1) { edges { node { name } } } }"
    async with http.post(
        f"{concierge_url}/graphql", json={"query": query}, headers={"X-Request-ID": "req-42"}
    ) as response:
        assert response.headers["X-Request-ID"] == "req-42"
        assert "errors" not in await response.json()
    lines = [json.loads(line) for line in captured.getvalue().splitlines()]
    ours = [line for line in lines if line.get("request_id") == "req-42"]
    access = [line for line in ours if line["logger"] == "concierge.access"]
    assert access
    assert access[0]["path"] == "/graphql"
    assert access[0]["status"] == 200
    assert access[0]["duration_ms"] >= 0
    vendor = [line for line in ours if line["logger"] == "concierge.vendor"]
    assert vendor, "the vendor requests were logged with the request's ID"
    assert {"vendor", "route", "status", "duration_ms", "method"} <= set(vendor[0])
    text = captured.getvalue()
    assert "Bearer" not in text
    assert "access_token" not in text


def test_secret_fields_are_masked_in_both_formats() -> None:
    record = logging.LogRecord("x", logging.INFO, __file__, 1, "hello", None, None)
    record.client_secret = "s3cret"
    record.vendor = "butlr"
    entry = json.loads(JsonFormatter().format(record))
    assert entry["client_secret"] == "***"
    assert entry["vendor"] == "butlr"
    assert "s3cret" not in TextFormatter().format(record)


def test_a_terminal_gets_plain_lines() -> None:
    class Tty(io.StringIO):
        def isatty(self) -> bool:
            return True

    stream = Tty()
    root = logging.getLogger()
    saved = root.handlers[:], root.level
    try:
        configure_logging("auto", "INFO", stream)
        logging.getLogger("concierge").info("hello", extra={"vendor": "butlr"})
    finally:
        root.handlers[:], level = saved
        root.setLevel(level)
    assert "hello  vendor=butlr" in stream.getvalue()
    assert not stream.getvalue().startswith("{")


async def test_the_butterflymx_webhook_token_is_masked_in_the_access_log(
    captured: io.StringIO, http: aiohttp.ClientSession
) -> None:
    secret = "whsec-path-token-0123456789abcdef"
    settings = Settings(demo_activity_s=0, webhook_secret=secret)
    async with (
        running_server(settings) as url,
        http.post(f"{url}/webhooks/butterflymx/{secret}", data=b"not json") as response,
    ):
        assert response.status == 400
    access = [
        json.loads(line)
        for line in captured.getvalue().splitlines()
        if '"concierge.access"' in line
    ]
    assert [a["path"] for a in access] == ["/webhooks/butterflymx/***"]
    assert secret not in captured.getvalue()
