"""The `concierge` command as users run it: real processes, real ports, Ctrl-C."""

from __future__ import annotations

import asyncio
import json
import os
import signal
import socket
import sys
from typing import IO, Any

import aiohttp
import pytest

from tests.plugins.logged import child_log, note_output

START_TIMEOUT = 30.0


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


async def _start(
    *args: str, read_stderr: bool = False, env: dict[str, str] | None = None
) -> asyncio.subprocess.Process:
    """`concierge <args>`; its log (stderr) goes to a file checked for secrets at the end of
    the run, unless the test reads it (`_stderr_of`)."""
    if read_stderr:
        stderr: int | IO[bytes] = asyncio.subprocess.PIPE
    else:
        stderr = child_log(args[0])
    try:
        return await asyncio.create_subprocess_exec(
            sys.executable,
            "-m",
            "concierge.server.cli",
            *args,
            stdout=asyncio.subprocess.PIPE,
            stderr=stderr,
            env={**os.environ, **(env or {})},
        )
    finally:
        if not isinstance(stderr, int):
            stderr.close()  # the child holds its own copy


async def _stderr_of(process: asyncio.subprocess.Process) -> bytes:
    """Wait for `process` to end; its stderr (also kept for the run's secrets check)."""
    _, stderr = await asyncio.wait_for(process.communicate(), timeout=START_TIMEOUT)
    note_output("concierge", stderr)
    return stderr


async def _interrupt(process: asyncio.subprocess.Process) -> int:
    if process.returncode is None:
        process.send_signal(signal.SIGINT)
    try:
        return await asyncio.wait_for(process.wait(), timeout=15)
    except TimeoutError:
        process.kill()
        await process.wait()
        pytest.fail("process did not stop within 15 s of Ctrl-C")


async def _wait_ready(http: aiohttp.ClientSession, url: str) -> dict[str, Any]:
    deadline = asyncio.get_running_loop().time() + START_TIMEOUT
    while True:
        try:
            async with http.get(url) as response:
                if response.status == 200:
                    body: dict[str, Any] = await response.json()
                    return body
        except aiohttp.ClientConnectionError:
            pass
        if asyncio.get_running_loop().time() > deadline:
            pytest.fail(f"{url} not ready within {START_TIMEOUT} s")
        await asyncio.sleep(0.2)


async def _graphql(http: aiohttp.ClientSession, base: str, query: str) -> dict[str, Any]:
    async with http.post(f"{base}/graphql", json={"query": query}) as response:
        assert response.status == 200
        body: dict[str, Any] = await response.json()
        return body


async def test_sandbox_prints_its_info_first_and_stops_on_ctrl_c(
    http: aiohttp.ClientSession,
) -> None:
    process = await _start("sandbox", "--port", "0", "--seed", "7")
    try:
        assert process.stdout is not None
        line = await asyncio.wait_for(process.stdout.readline(), timeout=START_TIMEOUT)
        info = json.loads(line)
        assert info["seed"] == 7
        assert set(info["vendors"]) == {"butterflymx", "remotelock", "butlr"}
        for vendor in info["vendors"].values():
            assert {"auth_url", "api_url", "credentials"} <= set(vendor)
        async with http.get(info["control_url"]) as response:
            assert response.status == 200
            assert (await response.json())["vendors"] == info["vendors"]
    finally:
        code = await _interrupt(process)
    assert code == 0


async def test_serve_runs_against_a_standalone_sandbox(http: aiohttp.ClientSession) -> None:
    sandbox = await _start("sandbox", "--port", "0")
    port = _free_port()
    serve: asyncio.subprocess.Process | None = None
    try:
        assert sandbox.stdout is not None
        info = json.loads(await asyncio.wait_for(sandbox.stdout.readline(), START_TIMEOUT))
        serve = await _start("serve", "--port", str(port), "--sandbox-url", info["control_url"])
        base = f"http://127.0.0.1:{port}"
        ready = await _wait_ready(http, f"{base}/readyz")
        assert ready["vendors"] == {v: "sandbox" for v in info["vendors"]}

        body = await _graphql(http, base, "{ vendors { vendor apiUrl } sandboxControlUrl }")
        assert body["data"]["sandboxControlUrl"] == info["control_url"]
        api_urls = {v["vendor"].lower(): v["apiUrl"] for v in body["data"]["vendors"]}
        assert api_urls == {name: v["api_url"] for name, v in info["vendors"].items()}

        async with http.get(f"{base}/graphql", headers={"Accept": "text/html"}) as response:
            assert response.status == 200
            assert "graphiql" in (await response.text()).lower()
    finally:
        if serve is not None:
            assert await _interrupt(serve) == 0
        assert await _interrupt(sandbox) == 0


async def test_serve_with_an_unreachable_sandbox_url_fails_with_a_clear_message() -> None:
    port = _free_port()
    process = await _start(
        "serve",
        "--port",
        str(_free_port()),
        "--sandbox-url",
        f"http://127.0.0.1:{port}/_control",
        read_stderr=True,
    )
    stderr = await _stderr_of(process)
    assert process.returncode == 2
    assert b"sandbox_url: cannot reach" in stderr
    assert b"Traceback" not in stderr


async def test_serve_rejects_a_vendor_block_missing_its_secret(tmp_path: Any) -> None:
    config = tmp_path / "concierge.toml"
    config.write_text(
        '[vendors.remotelock]\napi_url = "https://api.remotelock.com"\n'
        'auth_url = "https://connect.remotelock.com"\nclient_id = "abc"\n'
    )
    process = await _start(
        "serve", "--config", str(config), "--port", str(_free_port()), read_stderr=True
    )
    stderr = await _stderr_of(process)
    assert process.returncode == 2
    assert b"client_secret" in stderr
    assert b"CONCIERGE_REMOTELOCK_CLIENT_SECRET" in stderr


async def test_serve_names_what_a_configured_vendor_lacks(tmp_path: Any) -> None:
    config = tmp_path / "concierge.toml"
    config.write_text(
        '[vendors.butterflymx]\napi_url = "https://api.butterflymx.com"\n'
        'auth_url = "https://accounts.butterflymx.com"\nclient_id = "abc"\n'
        'client_secret = "xyz"\n'
    )
    process = await _start(
        "serve", "--config", str(config), "--port", str(_free_port()), read_stderr=True
    )
    stderr = await _stderr_of(process)
    assert process.returncode == 2
    assert b"redirect_uri is required" in stderr
    assert b"Traceback" not in stderr


async def test_serve_refuses_to_register_webhooks_for_replicas_without_a_shared_secret() -> None:
    process = await _start(
        "serve",
        "--port",
        str(_free_port()),
        read_stderr=True,
        env={
            "CONCIERGE_REDIS_URL": "redis://127.0.0.1:6379/15",
            "CONCIERGE_WEBHOOKS_REGISTER": "1",
        },
    )
    stderr = await _stderr_of(process)
    assert process.returncode == 2
    assert b"CONCIERGE_WEBHOOK_SECRET" in stderr
    assert b"Traceback" not in stderr
