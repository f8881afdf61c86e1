"""What the run-wide secrets check (`tests/plugins/secret_logs.py`, #11) works with.

Every log record of the session reaches one root handler at DEBUG and is written, as
the JSON line production would print, to a file under a session directory, beside the
output of the `concierge` processes tests start (`child_log`, `note_output`). At the end
they are checked against every secret the run knew: what the sandboxes issued (their
journal: `concierge.sandbox.journal`, in this process and in subprocesses through
`CONCIERGE_SANDBOX_JOURNAL`), the secrets of the settings servers were started with, and
the credentials tests minted (`note_secret`). A secret found fails the run, naming the
test and the line.

Matching is by whole token: a line is cut into runs of token characters (letters,
digits, `-`, `_`) and each run is looked up among the secrets' dot-separated parts (a
JWT's parts). One set lookup per run keeps the check linear in the logs, however many
tokens the run issued. Not seen: a secret glued to other token characters, and secrets
shorter than 16 characters (test placeholders like "xyz").
"""

from __future__ import annotations

import logging
import os
import re
import tempfile
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

from concierge.sandbox import journal
from concierge.server.logs import JsonFormatter
from concierge.server.settings import SECRET_KEYS, Settings

RUN = re.compile(r"[A-Za-z0-9_-]{16,}")
MIN_PART = 16  # shorter parts (a JWT's `v1` prefix, short ids) are not secrets on their own


@dataclass(frozen=True)
class Leak:
    where: str  # the test (or subprocess log) and line number
    line: str


@dataclass
class _Session:
    directory: Path
    noted: set[str] = field(default_factory=set)
    test: str = "(collection)"


_session: _Session | None = None


def note_secret(*values: str | None) -> None:
    """A credential a test made (a JWT, an API key, a settings secret): never to be logged."""
    if _session is not None:
        _session.noted.update(v for v in values if v)


def note_settings(settings: Settings) -> None:
    """The secrets a server is started with: vendor client secrets and passwords, the
    token key, the JWT and webhook secrets."""
    values = [settings.token_key, settings.jwt_secret, settings.webhook_secret]
    for vendor in settings.vendors.values():
        values += [v for k, v in vendor.credentials.items() if k in SECRET_KEYS]
    note_secret(*values)


def child_log(name: str) -> IO[bytes]:
    """A file to give a subprocess as stdout/stderr; it is checked at the end of the run.
    The caller closes it (after the process ended)."""
    if _session is not None:
        directory = _session.directory / "children"
    else:  # the plugin is not loaded (a test imported elsewhere): nobody will look
        directory = Path(tempfile.mkdtemp())
    handle, path = tempfile.mkstemp(prefix=f"{name}-", suffix=".log", dir=directory)
    os.close(handle)
    return Path(path).open("wb")


def note_output(name: str, output: bytes | str) -> None:
    """Output of a subprocess that a test read itself (a PIPE), to be checked too."""
    with child_log(name) as out:
        out.write(output.encode() if isinstance(output, str) else output)


def secret_parts(secrets: Iterable[str]) -> dict[str, str]:
    """Each secret's dot-separated parts long enough to tell it apart, mapped to the
    secret; a part two secrets share (every JWT header) says nothing and is left out."""
    owners: dict[str, set[str]] = {}
    for secret in secrets:
        for part in secret.split("."):
            if len(part) >= MIN_PART:
                owners.setdefault(part, set()).add(secret)
    return {part: next(iter(found)) for part, found in owners.items() if len(found) == 1}


def find_leaks(lines: Iterable[tuple[str, str]], secrets: Iterable[str]) -> list[Leak]:
    """The lines ((where, text) pairs) that hold any of `secrets`, or a part of one; each
    shown with what matched replaced by `<secret>`, so the report does not leak it again."""
    parts = secret_parts(secrets)
    if not parts:
        return []
    found: list[Leak] = []
    for where, text in lines:
        if any(run in parts for run in RUN.findall(text)):
            shown = RUN.sub(lambda m: "<secret>" if m.group() in parts else m.group(), text)
            found.append(Leak(where, shown))
    return found


class Recorder(logging.Handler):
    """Writes every record as `<test>\\t<json line>` to `path`."""

    def __init__(self, path: Path, test: Any = None) -> None:
        super().__init__(logging.DEBUG)
        self.setFormatter(JsonFormatter())
        self._out = path.open("a", encoding="utf-8")
        self._test = test or (lambda: _session.test if _session is not None else "?")

    def emit(self, record: logging.LogRecord) -> None:
        try:
            text = self.format(record).replace("\n", "\\n")
        except Exception:  # noqa: BLE001 - a record that cannot format is still looked at
            text = f"{record.name} {record.msg!r} {record.args!r}"
        self._out.write(f"{self._test()}\t{text}\n")

    # `logging.config.dictConfig` (uvicorn's Config runs it) closes every handler there is
    # but leaves them attached: recording goes on, and only `finish` ends it.
    def finish(self) -> None:
        self._out.close()
        self.close()


def logged_lines(directory: Path) -> Iterator[tuple[str, str]]:
    """(where, line) for every line recorded in `directory`: in-process logs by test,
    subprocess output by file and line number."""
    records = directory / "records.log"
    if records.exists():
        with records.open(encoding="utf-8", errors="replace") as lines:
            for line in lines:
                test, _, text = line.rstrip("\n").partition("\t")
                yield test, text
    for path in sorted((directory / "children").glob("*.log")):
        with path.open(encoding="utf-8", errors="replace") as lines:
            for number, text in enumerate(lines, 1):
                yield f"{path.name}:{number}", text.rstrip("\n")


def known_secrets(directory: Path) -> set[str]:
    found = set(journal.issued()) | journal.read_journals(directory / "journal")
    if _session is not None:
        found |= _session.noted
    return found


def start_session() -> Path:
    """A new session directory (logs, subprocess output, sandbox journals)."""
    global _session
    directory = Path(tempfile.mkdtemp(prefix="concierge-test-logs-"))
    (directory / "children").mkdir()
    (directory / "journal").mkdir()
    os.environ[journal.ENV] = str(directory / "journal")
    _session = _Session(directory)
    return directory


def now_running(test: str) -> None:
    if _session is not None:
        _session.test = test
