"""The run-wide secrets check (tests/plugins/secret_logs.py) can fail: it finds tokens
planted in log lines, and a run that logs one exits non-zero naming the test."""

from __future__ import annotations

import logging
import os
from pathlib import Path

import pytest

from concierge.sandbox import journal
from concierge.sandbox.butterflymx.auth import jwt_looking_token
from concierge.sandbox.clock import Clock
from concierge.sandbox.oauth import Grant, TokenStore
from tests.plugins.logged import Recorder, find_leaks, known_secrets, logged_lines

REPO = Path(__file__).resolve().parents[2]


def test_the_detector_finds_a_planted_token_and_masks_it_in_its_report() -> None:
    access = jwt_looking_token("42", 0.0)
    refresh = "v1.k3VgQm6T1c3s9Rlm0Cw8yZ1oP4aQ2uXxN7bHf5eD6gJ"
    lines = [
        ("tests/a.py::test_fine", '{"message": "POST /oauth/token 200", "route": "/token"}'),
        ("tests/a.py::test_bearer", f'{{"message": "sent Authorization: Bearer {access}"}}'),
        ("tests/a.py::test_body", f'{{"message": "got {{\\"refresh_token\\":\\"{refresh}\\"}}"}}'),
        # Only the signature of the JWT: still a leak (the header alone is not).
        ("tests/a.py::test_part", f"signature {access.rsplit('.', 1)[-1]}"),
        ("tests/a.py::test_header", f"header {access.split('.', 1)[0]} only"),
    ]
    leaks = find_leaks(lines, [access, refresh, jwt_looking_token("43", 0.0)])
    assert [leak.where for leak in leaks] == [
        "tests/a.py::test_bearer",
        "tests/a.py::test_body",
        "tests/a.py::test_part",
    ]
    assert all(access not in leak.line and refresh not in leak.line for leak in leaks)
    assert "<secret>" in leaks[0].line


def test_tokens_a_sandbox_issues_are_journalled_and_found_in_recorded_logs(
    tmp_path: Path,
) -> None:
    issued = TokenStore(Clock(), access_ttl=60).issue(Grant("u", "c"), with_refresh=True)
    assert {issued.access_token, issued.refresh_token} <= journal.issued()
    journalled = journal.read_journals(Path(os.environ[journal.ENV]))
    assert {issued.access_token, issued.refresh_token} <= journalled
    # A log line through the recorder (a private logger: the run's own logs stay clean).
    (tmp_path / "children").mkdir()
    recorder = Recorder(tmp_path / "records.log", test=lambda: "tests/x.py::test_leaky")
    logger = logging.getLogger("secret-logs-probe")
    logger.propagate = False
    logger.addHandler(recorder)
    try:
        logger.debug("refreshed with %s", issued.refresh_token)
        logger.debug("nothing to see")
    finally:
        logger.removeHandler(recorder)
        recorder.finish()
    leaks = find_leaks(logged_lines(tmp_path), known_secrets(tmp_path))
    assert [leak.where for leak in leaks] == ["tests/x.py::test_leaky"]


def test_a_run_that_logs_an_issued_token_fails_and_names_the_test(
    pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PYTHONPATH", str(REPO))
    monkeypatch.setenv("TMPDIR", str(pytester.path))  # the logs a failed check keeps
    pytester.makepyfile(
        test_leaky="""
import logging
from concierge.sandbox.clock import Clock
from concierge.sandbox.oauth import Grant, TokenStore

def test_quiet():
    TokenStore(Clock(), access_ttl=60).issue(Grant("u", "c"), with_refresh=False)

def test_leaky():
    issued = TokenStore(Clock(), access_ttl=60).issue(Grant("u", "c"), with_refresh=True)
    logging.getLogger("concierge.x").debug("token %s", issued.access_token)
"""
    )
    result = pytester.runpytest_subprocess("-p", "tests.plugins.secret_logs", "-q")
    assert result.ret == pytest.ExitCode.TESTS_FAILED
    result.stdout.fnmatch_lines(["*secrets in logs*", "*test_leaky.py::test_leaky*<secret>*"])
    result.stdout.no_fnmatch_line("*test_quiet*")
    assert "2 passed" in result.stdout.str()
