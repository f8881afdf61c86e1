"""What the sandbox handed out that must never reach a log: client secrets, access and
refresh tokens.

A test run checks every log line it saw against this (tests/plugins/secret_logs.py):
`issued()` in this process, and, when `CONCIERGE_SANDBOX_JOURNAL` names a directory, one
file per process in it, for sandboxes and servers the tests start as subprocesses. Unset
(a demo, a benchmark), nothing is written; the set grows no faster than the token
stores it shadows.
"""

from __future__ import annotations

import os
from pathlib import Path

ENV = "CONCIERGE_SANDBOX_JOURNAL"

_issued: set[str] = set()


def remember(*values: str | None) -> None:
    """Note secrets the sandbox just created (None and repeats are ignored)."""
    fresh = [v for v in values if v and v not in _issued]
    if not fresh:
        return
    _issued.update(fresh)
    directory = os.environ.get(ENV)  # read per call: a test run sets it after import
    if directory:
        # A few short lines per login: appended at once, so a process killed later still
        # leaves what it issued behind.
        with (Path(directory) / f"{os.getpid()}.secrets").open("a") as out:
            out.write("".join(f"{v}\n" for v in fresh))


def issued() -> frozenset[str]:
    """Every secret this process's sandboxes created."""
    return frozenset(_issued)


def read_journals(directory: Path) -> set[str]:
    """Every secret the processes journalling into `directory` created."""
    found: set[str] = set()
    for path in directory.glob("*.secrets"):
        found.update(line for line in path.read_text().splitlines() if line)
    return found
