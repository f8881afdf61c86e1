"""Webhook ingress benchmark: webhook-in to subscriber-out latency, and sustained load.

    python bench/webhooks.py [--rate 200] [--duration 20] [--latency-rate 20]

The server (with its embedded sandbox) runs in this process. A child process (`--client`)
holds one GraphQL subscription, `doorEvents(doorId:)` over graphql-transport-ws, to a
RemoteLock lock of the demo world, and posts signed RemoteLock `unlocked_event` webhooks for
that lock over loopback HTTP: webhook-in to the subscriber's message out is timed in that
process. The in-process bus's own subscriber (`services.bus`) is timed too, for the share
of ingress alone. Both sides stamp `time.perf_counter()` (CLOCK_MONOTONIC, shared by
processes on Linux).
"""

from __future__ import annotations

import argparse
import asyncio
import base64
import contextlib
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import aiohttp

SECRET = "bench-webhook-secret"
DOOR_EVENTS = "subscription($d: ID!) { doorEvents(doorId: $d) { id kind door { name } } }"
LOCKS = """{ buildings(first: 1) { edges { node {
  units(first: 50) { edges { node { doors { id kind } } } } } } } }"""


def _event(ident: str, lock: str) -> bytes:
    return json.dumps(
        {
            "data": {
                "type": "unlocked_event",
                "id": ident,
                "attributes": {
                    "status": "succeeded",
                    "occurred_at": "2026-12-02T10:00:00Z",
                    "created_at": "2026-12-02T10:00:00Z",
                    "publisher_type": "lock",
                    "publisher_id": lock,
                    "method": "pin",
                },
            }
        }
    ).encode()


async def client(url: str, rate: float, duration: float, prefix: str, door: str, lock: str) -> None:
    import websockets
    from websockets import Subprotocol

    sent: dict[str, list[float]] = {}
    heard: dict[str, float] = {}
    headers = {"X-Secret": SECRET, "Content-Type": "application/json"}
    connector = aiohttp.TCPConnector(limit=200)
    ws = await websockets.connect(
        url.replace("http", "ws") + "/graphql", subprotocols=[Subprotocol("graphql-transport-ws")]
    )
    await ws.send(json.dumps({"type": "connection_init"}))
    await ws.recv()
    body = {"query": DOOR_EVENTS, "variables": {"d": door}}
    await ws.send(json.dumps({"id": "1", "type": "subscribe", "payload": body}))

    async def listen() -> None:
        async for raw in ws:
            message = json.loads(raw)
            if message["type"] == "next":
                event_id = message["payload"]["data"]["doorEvents"]["id"]
                heard[event_id.partition(":")[2]] = time.perf_counter()

    listening = asyncio.create_task(listen())
    async with aiohttp.ClientSession(connector=connector) as http:

        async def post(ident: str) -> None:
            body = _event(ident, lock)
            start = time.perf_counter()
            async with http.post(url + "/webhooks/remotelock", data=body, headers=headers) as r:
                await r.read()
                assert r.status == 202, r.status
            sent[ident] = [start, time.perf_counter() - start]

        # The subscription is live once it hears an event (the protocol acknowledges none).
        for n in range(200):
            await post(f"{prefix}-warm-{n}")
            await asyncio.sleep(0.05)
            if heard:
                break
        sent.clear()
        count = int(rate * duration)
        t0 = time.perf_counter()
        tasks = []
        for i in range(count):
            delay = t0 + i / rate - time.perf_counter()
            if delay > 0:
                await asyncio.sleep(delay)
            tasks.append(asyncio.create_task(post(f"{prefix}-{i}")))
        await asyncio.gather(*tasks)
        elapsed = time.perf_counter() - t0
        await asyncio.sleep(0.5)
    listening.cancel()
    await ws.close()
    out = {"sent": sent, "heard": {i: t for i, t in heard.items() if i in sent}}
    print(json.dumps({**out, "elapsed_s": elapsed}))


def _pct(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(p / 100 * len(ordered)))] * 1000


async def run(args: argparse.Namespace) -> None:
    import uvicorn

    from concierge.resolvers.events import door_topic
    from concierge.server.app import create_app
    from concierge.server.settings import Settings

    data = tempfile.mkdtemp(prefix="bench-webhooks-")
    app = create_app(Settings(demo_activity_s=0, webhook_secret=SECRET, data_dir=data))
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=0, log_level="error"))
    task = asyncio.create_task(server.serve())
    while not server.started:  # noqa: ASYNC110 - uvicorn offers no event for it
        await asyncio.sleep(0.05)
    port = server.servers[0].sockets[0].getsockname()[1]
    url = f"http://127.0.0.1:{port}"
    door = await _remotelock_door(url)
    lock = base64.b64decode(door).decode().rpartition(":")[2]
    received: dict[str, float] = {}

    async def subscriber() -> None:
        bus = app.state.concierge.services.bus
        async for ev in bus.subscribe(door_topic(f"remotelock.lock:{lock}"), max_queued=100_000):
            received[ev.data["id"].partition(":")[2]] = time.perf_counter()

    listening = asyncio.create_task(subscriber())
    await asyncio.sleep(0.05)
    try:
        for name, rate, duration in (
            ("latency", args.latency_rate, 10.0),
            ("sustained", args.rate, args.duration),
        ):
            proc = await asyncio.create_subprocess_exec(
                sys.executable,
                str(Path(__file__)),
                "--client",
                url,
                "--rate",
                str(rate),
                "--duration",
                str(duration),
                "--prefix",
                name,
                "--door",
                door,
                "--lock",
                lock,
                stdout=subprocess.PIPE,
            )
            out, _ = await proc.communicate()
            await asyncio.sleep(0.5)
            result: dict[str, Any] = json.loads(out)
            sent, heard = result["sent"], result["heard"]
            graphql = [heard[i] - s[0] for i, s in sent.items() if i in heard]
            bus = [received[i] - s[0] for i, s in sent.items() if i in received]
            handler = [s[1] for s in sent.values()]
            print(
                f"{name}: {len(sent)} webhooks at {rate:g}/s in {result['elapsed_s']:.1f} s; "
                f"webhook->GraphQL subscriber (WebSocket) {len(graphql)} delivered, "
                f"p50 {_pct(graphql, 50):.1f} ms p99 {_pct(graphql, 99):.1f} ms; "
                f"webhook->bus p50 {_pct(bus, 50):.1f} ms p99 {_pct(bus, 99):.1f} ms; "
                f"answer (handler) p50 {_pct(handler, 50):.1f} ms p99 {_pct(handler, 99):.1f} ms"
            )
    finally:
        listening.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await listening
        server.should_exit = True
        await task


async def _remotelock_door(url: str) -> str:
    """A door of the demo world behind a RemoteLock lock (webhooks name the lock)."""
    async with (
        aiohttp.ClientSession() as http,
        http.post(f"{url}/graphql", json={"query": LOCKS}) as response,
    ):
        body = await response.json()
    building = body["data"]["buildings"]["edges"][0]["node"]
    for unit in building["units"]["edges"]:
        for door in unit["node"]["doors"]:
            if "remotelock.lock" in base64.b64decode(door["id"]).decode():
                return str(door["id"])
    raise SystemExit("no RemoteLock lock in the first building")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--client", metavar="URL")
    parser.add_argument("--rate", type=float, default=200.0)
    parser.add_argument("--latency-rate", type=float, default=20.0)
    parser.add_argument("--duration", type=float, default=20.0)
    parser.add_argument("--prefix", default="bench")
    parser.add_argument("--door", help=argparse.SUPPRESS)
    parser.add_argument("--lock", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.client:
        asyncio.run(
            client(args.client, args.rate, args.duration, args.prefix, args.door, args.lock)
        )
    else:
        asyncio.run(run(args))


if __name__ == "__main__":
    main()
