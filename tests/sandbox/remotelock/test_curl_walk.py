"""The curl walk-through in examples/curl/remotelock.sh passes against a live sandbox."""

from __future__ import annotations

import asyncio
from pathlib import Path

from tests.conftest import RunningSandbox, require_tool

SCRIPT = Path(__file__).resolve().parents[3] / "examples" / "curl" / "remotelock.sh"


async def test_curl_walk_exits_zero(sandbox: RunningSandbox) -> None:
    require_tool("curl", "the curl walk")
    bash = require_tool("bash", "the curl walk")
    process = await asyncio.create_subprocess_exec(
        bash,
        str(SCRIPT),
        sandbox.control_url,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    try:
        stdout, stderr = await asyncio.wait_for(process.communicate(), timeout=60)
    except TimeoutError:
        process.kill()
        await process.wait()
        raise
    tail = stdout.decode()[-3000:]
    assert process.returncode == 0, f"{stderr.decode()}\n--- stdout tail ---\n{tail}"
    assert "all checks passed" in stdout.decode()
