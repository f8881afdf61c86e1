"""The whole test run's logs hold no client secret, access token or refresh token (#11).

Loaded by tests/conftest.py; the recording and the check live in `tests/plugins/logged.py`.
At the end of the session every recorded line is checked against every secret the run
knew, and a secret found fails the run (exit status 1) naming the test and the line.
"""

from __future__ import annotations

import logging
import shutil
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.plugins.logged import (
    Leak,
    Recorder,
    find_leaks,
    known_secrets,
    logged_lines,
    now_running,
    start_session,
)

SHOWN = 20  # leaks listed in the report; the count says how many more

_directory: Path | None = None


_recorder: Recorder | None = None
_leaks: list[Leak] = []
_checked: tuple[int, int] | None = None  # (log lines, secrets) of the finished check


def pytest_configure(config: pytest.Config) -> None:
    global _directory, _recorder
    _directory = start_session()
    _recorder = Recorder(_directory / "records.log")
    root = logging.getLogger()
    root.addHandler(_recorder)
    root.setLevel(logging.DEBUG)
    # SQL statements and rows (SQLAlchemy logs them once its logger is enabled): tokens are
    # encrypted at rest, so this is bulk without signal, and it slows every store call.
    logging.getLogger("sqlalchemy").setLevel(logging.WARNING)
    logging.getLogger("aiosqlite").setLevel(logging.INFO)  # a DEBUG line per SQLite call
    # The tests' own GraphQL client dumps every frame it sends at DEBUG, credentials in
    # `connection_init` included: that is the harness talking, not a log Concierge writes.
    logging.getLogger("gql.transport").setLevel(logging.INFO)


@pytest.hookimpl(wrapper=True)
def pytest_runtest_protocol(item: pytest.Item) -> Iterator[None]:
    now_running(item.nodeid)
    try:
        return (yield)
    finally:
        now_running("(between tests)")


@pytest.hookimpl(tryfirst=True)
def pytest_sessionfinish(session: pytest.Session) -> None:
    if _directory is None or _recorder is None:
        return
    logging.getLogger().removeHandler(_recorder)
    _recorder.finish()
    global _checked
    secrets, read = known_secrets(_directory), [0]

    def counted() -> Iterator[tuple[str, str]]:
        for line in logged_lines(_directory):
            read[0] += 1
            yield line

    found = find_leaks(counted(), secrets)
    _checked = (read[0], len(secrets))
    _leaks[:] = found
    if found:
        session.exitstatus = pytest.ExitCode.TESTS_FAILED
    else:
        shutil.rmtree(_directory, ignore_errors=True)


def pytest_terminal_summary(terminalreporter: Any) -> None:
    if not _leaks:
        if _checked is not None:
            lines, secrets = _checked
            terminalreporter.write_line(
                f"secrets check: {lines:,} log lines against {secrets:,} secrets, none found"
            )
        return
    tr = terminalreporter
    tr.section("secrets in logs", sep="=", red=True, bold=True)
    by_test = Counter(leak.where for leak in _leaks)
    tr.write_line(
        f"{len(_leaks)} log line(s) hold a client secret, access token or refresh token "
        f"(issue #11); logs kept in {_directory}:"
    )
    for leak in _leaks[:SHOWN]:
        tr.write_line(f"  {leak.where}: {leak.line[:300]}")
    if len(_leaks) > SHOWN:
        tr.write_line(f"  ... and {len(_leaks) - SHOWN} more, in {len(by_test)} places")
