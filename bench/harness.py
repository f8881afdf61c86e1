"""Subprocesses for benchmarks: `concierge sandbox` and `concierge serve`, and a JSON client.

Both processes run in their own session, so a Ctrl-C in the terminal reaches only the
benchmark, whose `finally` blocks stop them (SIGTERM, then SIGKILL after a grace period).
Their output goes to files in a log directory, never to pipes nobody drains, and they
run with the defaults: `CONCIERGE_*` variables are not passed on.
"""

from __future__ import annotations

import json
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

START_TIMEOUT_S = 30.0
STOP_TIMEOUT_S = 10.0


class HarnessError(RuntimeError):
    """A benchmark process did not start, or answered something unexpected."""


def concierge_command() -> str:
    """The `concierge` entry point of this interpreter's environment, else the one on PATH."""
    beside = Path(sys.executable).with_name("concierge")
    if beside.exists():
        return str(beside)
    found = shutil.which("concierge")
    if found is None:
        raise HarnessError("`concierge` is not installed (pip install -e . in the venv)")
    return found


def http_json(method: str, url: str, body: Any = None, *, timeout: float = 60.0) -> tuple[int, Any]:
    """(status, decoded JSON body or None) for one request; HTTP errors are returned."""
    data = None if body is None else json.dumps(body).encode()
    request = urllib.request.Request(url, data=data, method=method)
    if data is not None:
        request.add_header("content-type", "application/json")
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            status, raw = response.status, response.read()
    except urllib.error.HTTPError as exc:
        status, raw = exc.code, exc.read()
    try:
        return status, json.loads(raw) if raw else None
    except json.JSONDecodeError:
        return status, None


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


def _tail(path: Path, lines: int = 20) -> str:
    try:
        return "\n".join(path.read_text(errors="replace").splitlines()[-lines:])
    except OSError:
        return ""


@dataclass
class Process:
    """A started child process with its stdout and stderr files."""

    name: str
    popen: subprocess.Popen[bytes]
    stdout: Path
    stderr: Path

    def failure(self, what: str) -> HarnessError:
        return HarnessError(f"{self.name}: {what}\n--- stderr tail ---\n{_tail(self.stderr)}")

    def stop(self) -> None:
        if self.popen.poll() is not None:
            return
        self.popen.terminate()
        try:
            self.popen.wait(STOP_TIMEOUT_S)
        except subprocess.TimeoutExpired:
            self.popen.kill()
            self.popen.wait(STOP_TIMEOUT_S)


def _clean_environment() -> dict[str, str]:
    """Ours without `CONCIERGE_*`: a stray vendor block or TTL would change what we measure."""
    return {k: v for k, v in os.environ.items() if not k.startswith("CONCIERGE_")}


@contextmanager
def _spawn(
    name: str, args: Sequence[str], logs: Path, env: dict[str, str] | None = None
) -> Iterator[Process]:
    stdout, stderr = logs / f"{name}.out", logs / f"{name}.err"
    with stdout.open("wb") as out, stderr.open("wb") as err:
        popen = subprocess.Popen(
            list(args),
            stdout=out,
            stderr=err,
            stdin=subprocess.DEVNULL,
            start_new_session=True,
            env=_clean_environment() | (env or {}),
        )
    process = Process(name, popen, stdout, stderr)
    try:
        yield process
    finally:
        process.stop()


@dataclass
class Sandbox:
    process: Process
    info: dict[str, Any]

    @property
    def control_url(self) -> str:
        return str(self.info["control_url"])

    def control(self, method: str, path: str, body: Any = None) -> Any:
        status, answer = http_json(method, f"{self.control_url}{path}", body, timeout=30)
        if status >= 300:
            raise HarnessError(f"sandbox control {method} {path}: HTTP {status} {answer}")
        return answer


@contextmanager
def run_sandbox(
    logs: Path, *, units: str, latency_ms: float, seed: int | None = None
) -> Iterator[Sandbox]:
    """`concierge sandbox --port 0`; its first stdout line is the info object."""
    args = [concierge_command(), "sandbox", "--port", "0", "--units", units]
    args += ["--latency-ms", f"{latency_ms:g}"]
    if seed is not None:
        args += ["--seed", str(seed)]
    with _spawn("sandbox", args, logs) as process:
        deadline = time.monotonic() + START_TIMEOUT_S
        while True:
            text = process.stdout.read_text()
            if "\n" in text:
                break
            if process.popen.poll() is not None:
                raise process.failure(f"exited with {process.popen.returncode} before its info")
            if time.monotonic() > deadline:
                raise process.failure("printed no info line in time")
            time.sleep(0.05)
        yield Sandbox(process, json.loads(text.splitlines()[0]))


@dataclass
class Server:
    process: Process
    url: str

    def graphql(self, query: str, variables: dict[str, Any]) -> dict[str, Any]:
        status, body = http_json(
            "POST", f"{self.url}/graphql", {"query": query, "variables": variables}
        )
        if not isinstance(body, dict):
            raise HarnessError(f"/graphql answered HTTP {status} without a JSON object")
        return body


@contextmanager
def run_server(
    logs: Path, control_url: str, *, label: str = "serve", env: dict[str, str] | None = None
) -> Iterator[Server]:
    """`concierge serve --sandbox-url`, on a free port, once `/readyz` says ready; `env`
    adds `CONCIERGE_*` settings (the store's, say). Each server gets a store of its own
    unless `env` names one: a fresh server holds no vendor tokens."""
    port = free_port()
    env = {"CONCIERGE_DATA_DIR": tempfile.mkdtemp(prefix=f"{label}-", dir=logs)} | (env or {})
    args = [concierge_command(), "serve", "--port", str(port), "--sandbox-url", control_url]
    with _spawn(label, args, logs, env) as process:
        url = f"http://127.0.0.1:{port}"
        deadline = time.monotonic() + START_TIMEOUT_S
        while True:
            if process.popen.poll() is not None:
                raise process.failure(f"exited with {process.popen.returncode} while starting")
            try:
                status, _ = http_json("GET", f"{url}/readyz", timeout=2)
            except (urllib.error.URLError, ConnectionError, TimeoutError):
                status = 0
            if status == 200:
                break
            if time.monotonic() > deadline:
                raise process.failure("/readyz did not answer 200 in time")
            time.sleep(0.1)
        yield Server(process, url)
