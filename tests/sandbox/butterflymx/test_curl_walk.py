"""The curl walk-through runs green against a live sandbox."""

from __future__ import annotations

import asyncio
from pathlib import Path

from tests.conftest import RunningSandbox, require_tool

SCRIPT = Path(__file__).resolve().parents[3] / "examples" / "curl" / "butterflymx.sh"


async def test_curl_walk_exits_zero(sandbox: RunningSandbox) -> None:
    require_tool("curl", "the curl walk")
    bash = require_tool("bash", "the curl walk")
    process = await asyncio.create_subprocess_exec(
        bash,
        str(SCRIPT),
        sandbox.control_url,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.STDOUT,
    )
    try:
        output, _ = await asyncio.wait_for(process.communicate(), timeout=60)
    except TimeoutError:
        process.kill()
        await process.wait()
        raise
    text = output.decode(errors="replace")
    assert process.returncode == 0, text[-4000:]
    assert "all checks passed" in text
