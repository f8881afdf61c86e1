"""Webhook ingress benchmark: webhook-in to bus-subscriber-out latency, and sustained load.

    python bench/webhooks.py [--rate 200] [--duration 20] [--latency-rate 20]

The server (with its embedded sandbox) runs in this process with one subscriber on the
in-process bus (`services.bus`; GraphQL subscriptions are another branch). The load comes
from a child process (`--client`) posting signed RemoteLock webhooks over loopback HTTP.
Both sides stamp `time.perf_counter()` (CLOCK_MONOTONIC, shared by processes on Linux).
"""

from __future__ import annotations

import argparse
import asyncio
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
LOCK = "bench-lock"


def _event(ident: str) -> bytes:
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
                    "publisher_id": LOCK,
                    "method": "pin",
                },
            }
        }
    ).encode()


async def client(url: str, rate: float, duration: float, prefix: str) -> None:
    sent: dict[str, list[float]] = {}
    headers = {"X-Secret": SECRET, "Content-Type": "application/json"}
    connector = aiohttp.TCPConnector(limit=200)
    async with aiohttp.ClientSession(connector=connector) as http:

        async def post(ident: str) -> None:
            body = _event(ident)
            start = time.perf_counter()
            async with http.post(url, data=body, headers=headers) as response:
                await response.read()
                assert response.status == 202, response.status
            sent[ident] = [start, time.perf_counter() - start]

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
    print(json.dumps({"sent": sent, "elapsed_s": elapsed}))


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
    url = f"http://127.0.0.1:{port}/webhooks/remotelock"
    received: dict[str, float] = {}

    async def subscriber() -> None:
        bus = app.state.concierge.services.bus
        async for ev in bus.subscribe(door_topic(f"remotelock.lock:{LOCK}"), max_queued=100_000):
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
                stdout=subprocess.PIPE,
            )
            out, _ = await proc.communicate()
            await asyncio.sleep(0.5)
            result: dict[str, Any] = json.loads(out)
            sent = result["sent"]
            latency = [received[i] - s[0] for i, s in sent.items() if i in received]
            handler = [s[1] for s in sent.values()]
            print(
                f"{name}: {len(sent)} webhooks at {rate:g}/s in {result['elapsed_s']:.1f} s, "
                f"delivered {len(latency)}; webhook->subscriber p50 {_pct(latency, 50):.1f} ms "
                f"p99 {_pct(latency, 99):.1f} ms; answer (handler) p50 {_pct(handler, 50):.1f} ms "
                f"p99 {_pct(handler, 99):.1f} ms"
            )
    finally:
        listening.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await listening
        server.should_exit = True
        await task


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--client", metavar="URL")
    parser.add_argument("--rate", type=float, default=200.0)
    parser.add_argument("--latency-rate", type=float, default=20.0)
    parser.add_argument("--duration", type=float, default=20.0)
    parser.add_argument("--prefix", default="bench")
    args = parser.parse_args()
    if args.client:
        asyncio.run(client(args.client, args.rate, args.duration, args.prefix))
    else:
        asyncio.run(run(args))


if __name__ == "__main__":
    main()
