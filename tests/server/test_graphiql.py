"""GraphiQL in a real browser (Debian's headless Chromium) with no request leaving the machine."""

from __future__ import annotations

import asyncio
import base64
import contextlib
import json
import re
import tempfile
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any
from urllib.parse import quote, urlsplit

import aiohttp
import pytest
from websockets.asyncio.client import ClientConnection, connect

from concierge.server.ide import ASSETS
from tests.conftest import missing, require_tool

REPO = Path(__file__).resolve().parents[2]
ARTIFACTS = REPO / "artifacts"
LOOPBACK = {"127.0.0.1", "localhost", "::1", "[::1]"}


class DevTools:
    """The Chrome DevTools protocol over one page's WebSocket."""

    def __init__(self, ws: ClientConnection) -> None:
        self.ws = ws
        self.next_id = 0
        self.requests: list[str] = []  # every URL the page asked for

    async def call(self, method: str, **params: Any) -> dict[str, Any]:
        self.next_id += 1
        call_id = self.next_id
        await self.ws.send(json.dumps({"id": call_id, "method": method, "params": params}))
        while True:
            message = json.loads(await asyncio.wait_for(self.ws.recv(), timeout=30))
            if message.get("method") == "Network.requestWillBeSent":
                self.requests.append(message["params"]["request"]["url"])
            if message.get("id") == call_id:
                assert "error" not in message, message
                result: dict[str, Any] = message["result"]
                return result

    async def evaluate(self, expression: str) -> Any:
        result = await self.call("Runtime.evaluate", expression=expression, returnByValue=True)
        return result["result"].get("value")

    async def until(self, expression: str, tries: int = 300) -> Any:
        for _ in range(tries):
            value = await self.evaluate(expression)
            if value:
                return value
            await asyncio.sleep(0.1)
        raise AssertionError(f"never true in the page: {expression}")


@contextlib.asynccontextmanager
async def chromium(path: str) -> AsyncIterator[DevTools]:
    with tempfile.TemporaryDirectory() as profile:
        process = await asyncio.create_subprocess_exec(
            path,
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-background-networking",
            "--disable-component-update",
            "--no-first-run",
            "--window-size=1280,800",
            "--remote-debugging-port=0",
            f"--user-data-dir={profile}",
            "about:blank",
            stderr=asyncio.subprocess.PIPE,
            stdout=asyncio.subprocess.DEVNULL,
        )
        try:
            assert process.stderr is not None
            port = None
            while port is None:
                line = await asyncio.wait_for(process.stderr.readline(), timeout=30)
                assert line, "chromium exited before opening DevTools"
                found = re.search(rb"DevTools listening on ws://[^:]+:(\d+)/", line)
                if found:
                    port = int(found.group(1))
            async with (
                aiohttp.ClientSession() as http,
                http.get(f"http://127.0.0.1:{port}/json/list") as response,
            ):
                targets = await response.json(content_type=None)
            page = next(t for t in targets if t["type"] == "page")
            async with connect(page["webSocketDebuggerUrl"], max_size=None) as ws:
                yield DevTools(ws)
        finally:
            process.terminate()
            await asyncio.wait_for(process.wait(), timeout=15)


async def run_in_graphiql(page: DevTools, url: str, document: str, name: str, expected: str) -> str:
    """Open GraphiQL with `document` in its editor, press run, and wait until the result
    pane shows `expected`; the pane's text."""
    await page.call("Page.navigate", url=f"{url}/graphql?q={quote(document)}")
    # GraphiQL rendered (React mounted the editor and the run button) ...
    await page.until("!!document.querySelector('.graphiql-execute-button')")
    await page.until(
        f"document.querySelector('.graphiql-query-editor')?.innerText.includes({name!r})"
    )
    await page.evaluate("document.querySelector('.graphiql-execute-button').click()")
    # ... and the operation went to the server and its answer is shown.
    shown: str = await page.until(
        f"(t => t.includes({json.dumps(expected)}) && t)"
        "(document.querySelector('.result-window')?.innerText ?? '')"
    )
    return shown


def require_assets() -> None:
    if not (ASSETS / "graphiql.min.js").is_file():
        missing("GraphiQL's files are not fetched: run `make install` (needs npm)")


async def test_graphiql_renders_and_runs_a_query_offline(concierge_url: str) -> None:
    require_assets()
    path = require_tool("chromium", "GraphiQL is checked in a headless browser")
    query = "query Vendors { vendors { vendor source } }"
    async with chromium(path) as page:
        await page.call("Network.enable")
        await page.call("Page.enable")
        shown = await run_in_graphiql(page, concierge_url, query, "Vendors", "BUTTERFLYMX")
        assert '"source": "SANDBOX"' in shown
        shot = await page.call("Page.captureScreenshot", format="png")
        ARTIFACTS.mkdir(exist_ok=True)
        (ARTIFACTS / "graphiql.png").write_bytes(base64.b64decode(shot["data"]))
        await page.evaluate("1")  # drain events that arrived with the screenshot
    hosts = {urlsplit(url).hostname for url in page.requests if not url.startswith("data:")}
    assert hosts, "the page made no requests at all"
    assert hosts <= LOOPBACK, f"requests left the machine: {sorted(hosts - LOOPBACK)}"
    assert any("/static/graphiql/graphiql.min.js" in url for url in page.requests)


async def test_graphiql_runs_a_subscription_and_shows_its_current_value(
    concierge_url: str,
) -> None:
    """The README's GraphiQL subscription: GraphiQL opens its WebSocket to the same
    `/graphql` and shows the room's current occupancy."""
    require_assets()
    path = require_tool("chromium", "GraphiQL is checked in a headless browser")
    async with (
        aiohttp.ClientSession() as http,
        http.post(
            f"{concierge_url}/graphql", json={"query": "{ spaces { rooms { id name } } }"}
        ) as response,
    ):
        room = (await response.json())["data"]["spaces"][0]["rooms"][0]
    document = (
        f'subscription Watch {{ occupancy(roomId: "{room["id"]}") '
        "{ count quality room { name } } }"
    )
    async with chromium(path) as page:
        await page.call("Page.enable")
        shown = await run_in_graphiql(page, concierge_url, document, "Watch", '"count"')
    assert room["name"] in shown
    assert '"quality"' in shown


@pytest.mark.parametrize("name", ["graphiql.min.js", "graphiql.min.css", "react.production.min.js"])
async def test_graphiql_assets_are_served_locally(
    concierge_url: str, http: aiohttp.ClientSession, name: str
) -> None:
    require_assets()
    async with http.get(f"{concierge_url}/graphql", headers={"Accept": "text/html"}) as response:
        page = await response.text()
    assert "unpkg.com" not in page
    assert "https://" not in page
    assert f"/static/graphiql/{name}" in page
    async with http.get(f"{concierge_url}/static/graphiql/{name}") as response:
        assert response.status == 200
        assert len(await response.read()) > 1000
