"""Lifecycle: readiness waits for the store and the first vendor token fetches; SIGTERM
drains and exits."""

from __future__ import annotations

import asyncio
import json
import signal
import sys
from pathlib import Path

import aiohttp

from concierge.server.settings import Settings
from tests.conftest import RunningSandbox, running_server
from tests.plugins.logged import child_log, note_output
from tests.schema.graphs import DASHBOARD, Graph, building_of
from tests.server.test_cli import _free_port, _wait_ready


async def test_ready_means_migrated_and_every_vendor_token_fetched(
    concierge_url: str, http: aiohttp.ClientSession
) -> None:
    async with http.get(f"{concierge_url}/readyz") as response:
        assert response.status == 200
        body = await response.json()
    assert body["status"] == "ready"
    assert set(body["vendors"]) == {"butterflymx", "remotelock", "butlr"}


async def test_sigterm_finishes_the_request_in_flight_then_exits(
    tmp_path: Path, http: aiohttp.ClientSession
) -> None:
    # A sandbox whose vendors answer slowly, so a dashboard is still in flight at SIGTERM.
    sandbox_log = child_log("sandbox")
    sandbox = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "concierge.server.cli",
        "sandbox",
        "--port",
        "0",
        "--latency-ms",
        "300",
        stdout=asyncio.subprocess.PIPE,
        stderr=sandbox_log,
    )
    sandbox_log.close()  # the child holds its own copy
    serve = None
    try:
        assert sandbox.stdout is not None
        info = json.loads(await asyncio.wait_for(sandbox.stdout.readline(), timeout=30))
        port = _free_port()
        serve = await asyncio.create_subprocess_exec(
            sys.executable,
            "-m",
            "concierge.server.cli",
            "serve",
            "--port",
            str(port),
            "--sandbox-url",
            info["control_url"],
            stdout=asyncio.subprocess.DEVNULL,
            stderr=asyncio.subprocess.PIPE,
            cwd=tmp_path,
        )
        base = f"http://127.0.0.1:{port}"
        await _wait_ready(http, f"{base}/readyz")
        query = "{ buildings(first: 1) { edges { node { name units(first: 2) { edges { node {"
        query += " label doors { name state } } } } } } } }"
        in_flight = asyncio.create_task(http.post(f"{base}/graphql", json={"query": query}))
        await asyncio.sleep(0.15)  # the request reached the server and waits on the vendors
        serve.send_signal(signal.SIGTERM)
        response = await asyncio.wait_for(in_flight, timeout=10)
        body = await response.json()
        assert response.status == 200
        assert "errors" not in body, body
        # uvicorn re-raises the signal once shut down: "terminated by SIGTERM", cleanly.
        assert await asyncio.wait_for(serve.wait(), timeout=10) in (0, -signal.SIGTERM)
        assert serve.stderr is not None
        log = (await serve.stderr.read()).decode()
        note_output("serve", log)
        assert "Traceback" not in log
        assert "Waiting for application shutdown" in log
    finally:
        for process in (serve, sandbox):
            if process is not None and process.returncode is None:
                process.kill()
                await process.wait()


async def test_the_health_command_checks_a_running_server(concierge_url: str) -> None:
    from concierge.server.cli import main

    # In a thread: the command blocks, and this loop serves the request it makes.
    assert await asyncio.to_thread(main, ["health", "--url", f"{concierge_url}/healthz"]) == 0
    closed = f"http://127.0.0.1:{_free_port()}/healthz"
    assert await asyncio.to_thread(main, ["health", "--url", closed]) == 1


async def test_a_vendor_down_at_start_up_leaves_the_replica_ready_with_partial_data(
    sandbox: RunningSandbox, http: aiohttp.ClientSession, tmp_path: Path
) -> None:
    await sandbox.control("PATCH", "/faults/butlr", json={"error_rate": 1, "error_status": 503})
    settings = Settings(
        sandbox_url=sandbox.control_url, demo_activity_s=0, data_dir=str(tmp_path / "data")
    )
    async with running_server(settings) as url:
        async with http.get(f"{url}/readyz") as response:
            assert response.status == 200, await response.text()
            body = await response.json()
        assert body["tokens"]["butterflymx"] == "held"
        assert body["tokens"]["remotelock"] == "held"
        assert body["tokens"]["butlr"] != "held"
        answer = await Graph(url, http).query(DASHBOARD, first=5)
    building = building_of(answer)
    assert building["units"]["edges"]
    assert building["spaces"] is None
    assert {e["extensions"]["vendor"] for e in answer["errors"]} == {"butlr"}
