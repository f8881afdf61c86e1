"""What a test needs from the machine: a skip on a laptop, a failure under CONCIERGE_CI."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
NEEDS = """
from tests.conftest import require_service, require_tool


def test_needs_curl() -> None:
    require_tool("curl", "this test")


def test_needs_a_service() -> None:
    require_service("Nothing", "127.0.0.1", 9)  # discard: nobody listens there
"""


def _run(tmp_path: Path, ci: bool) -> subprocess.CompletedProcess[str]:
    test = tmp_path / "test_needs.py"
    test.write_text(NEEDS)
    empty = tmp_path / "bin"
    empty.mkdir(exist_ok=True)
    env = {k: v for k, v in os.environ.items() if k != "CONCIERGE_CI"}
    env |= {"PATH": str(empty), "PYTHONPATH": str(REPO)}
    if ci:
        env["CONCIERGE_CI"] = "1"
    return subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-rsf", "-p", "no:cacheprovider", str(test)],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_a_missing_tool_or_service_skips_outside_ci(tmp_path: Path) -> None:
    done = _run(tmp_path, ci=False)

    assert done.returncode == 0, done.stdout + done.stderr
    assert "2 skipped" in done.stdout
    assert "`curl` is not on PATH" in done.stdout


def test_a_missing_tool_or_service_fails_the_run_under_concierge_ci(tmp_path: Path) -> None:
    done = _run(tmp_path, ci=True)

    assert done.returncode == 1, done.stdout + done.stderr
    assert "2 failed" in done.stdout
    assert "required when CONCIERGE_CI is set" in done.stdout
