"""The built package as a user installs it: a wheel beside PyPI's `schema`, run from
outside the repository."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import sysconfig
import time
import urllib.error
import urllib.request
from pathlib import Path
from typing import Any

from tests.conftest import missing
from tests.plugins.logged import note_output
from tests.schema.graphs import DASHBOARD

REPO = Path(__file__).resolve().parents[2]


def _run(*args: str | Path, cwd: Path) -> None:
    done = subprocess.run(
        [str(a) for a in args], cwd=cwd, capture_output=True, text=True, timeout=300, check=False
    )
    assert done.returncode == 0, f"{args}: {done.stdout[-2000:]}{done.stderr[-2000:]}"


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def _post(url: str, query: str, **variables: Any) -> dict[str, Any]:
    payload = {"query": query, "variables": variables}
    request = urllib.request.Request(
        url, json.dumps(payload).encode(), {"content-type": "application/json"}
    )
    with urllib.request.urlopen(request, timeout=30) as response:
        body: dict[str, Any] = json.load(response)
        return body


def test_the_wheel_installs_beside_pypis_schema_and_serves_the_dashboard(tmp_path: Path) -> None:
    dist, venv, outside = tmp_path / "dist", tmp_path / "venv", tmp_path / "elsewhere"
    outside.mkdir()
    _run(sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", "-w", dist, REPO, cwd=outside)
    (wheel,) = dist.glob("concierge-*.whl")
    _run(sys.executable, "-m", "venv", venv, cwd=outside)
    python = venv / "bin" / "python"
    # The product's dependencies come from this environment (no second download); its own
    # code only from the wheel: the editable install's finder is not carried over.
    site = Path(sysconfig.get_paths()["purelib"])
    (site_of_venv,) = (venv / "lib").glob("python3.*/site-packages")
    (site_of_venv / "deps.pth").write_text(f"{site}\n")
    try:
        _run(python, "-m", "pip", "download", "-q", "--no-deps", "-d", dist, "schema", cwd=outside)
    except AssertionError as exc:
        missing(f"PyPI's `schema` package could not be downloaded: {exc}")
    (theirs,) = dist.glob("schema-*.whl")
    _run(python, "-m", "pip", "install", "-q", "--no-deps", theirs, wheel, cwd=outside)
    probe = (
        "import schema, concierge.schema, concierge.server.cli; "
        "print(schema.__file__); print(concierge.schema.__file__)"
    )
    found = subprocess.run(
        [python, "-c", probe], cwd=outside, capture_output=True, text=True, check=True
    ).stdout.split()
    assert all(str(site_of_venv) in path for path in found), found
    assert found[0].endswith("site-packages/schema/__init__.py")

    port = _free_port()
    env = os.environ | {"CONCIERGE_DATA_DIR": str(tmp_path / "data")}
    server = subprocess.Popen(
        [venv / "bin" / "concierge", "serve", "--port", str(port)],
        cwd=outside,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    try:
        url = f"http://127.0.0.1:{port}"
        for _ in range(300):
            try:
                with urllib.request.urlopen(f"{url}/readyz", timeout=2) as response:
                    if response.status == 200:
                        break
            except (urllib.error.URLError, ConnectionError):
                time.sleep(0.1)
        body = _post(f"{url}/graphql", DASHBOARD, first=100)
    finally:
        server.terminate()
        _, stderr = server.communicate(timeout=30)
        note_output("serve", stderr)
    assert "errors" not in body, (body, stderr.decode()[-2000:])
    building = body["data"]["buildings"]["edges"][0]["node"]
    assert len(building["units"]["edges"]) == 100
    assert building["spaces"], "the occupancy half answered too"
