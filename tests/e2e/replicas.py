"""Replicas as operators run them: separate `concierge serve` processes on one sandbox,
sharing PostgreSQL (and Redis when given)."""

from __future__ import annotations

import asyncio
import contextlib
import os
import signal
import sys
from collections.abc import AsyncIterator
from pathlib import Path

import aiohttp

from tests.plugins.logged import child_log
from tests.server.test_cli import _free_port, _wait_ready


@contextlib.asynccontextmanager
async def replica(
    http: aiohttp.ClientSession, sandbox_url: str, data_dir: Path, **settings: str
) -> AsyncIterator[str]:
    """One `concierge serve --sandbox-url` process until the block ends: its base URL.
    `settings` become `CONCIERGE_<NAME>` variables."""
    port = _free_port()
    env = os.environ | {f"CONCIERGE_{k.upper()}": v for k, v in settings.items()}
    env |= {"CONCIERGE_DATA_DIR": str(data_dir), "CONCIERGE_DEMO_ACTIVITY_S": "0"}
    log = child_log("replica")  # checked for secrets at the end of the run
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "concierge.server.cli",
        "serve",
        "--port",
        str(port),
        "--sandbox-url",
        sandbox_url,
        env=env,
        stdout=log,
        stderr=log,
    )
    log.close()  # the child holds its own copy
    base = f"http://127.0.0.1:{port}"
    try:
        await _wait_ready(http, f"{base}/readyz")
        yield base
    finally:
        if process.returncode is None:
            process.send_signal(signal.SIGTERM)
            try:
                await asyncio.wait_for(process.wait(), timeout=15)
            except TimeoutError:
                process.kill()
                await process.wait()
