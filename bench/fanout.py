"""Fan-out of one occupancy change to N WebSocket subscribers: latency, polls, memory.

    python bench/fanout.py [--n 1000,10000] [--per-connection 100] [--poll-s 1]
                           [--protocol graphql-transport-ws|graphql-ws] [--no-deflate]

Per N: a fresh `concierge sandbox` and `concierge serve`; a client process (this script,
`--client`) opens N / per-connection graphql-transport-ws connections carrying
`per-connection` `occupancy(roomId:)` subscriptions each (`--protocol graphql-ws`: the
legacy protocol), waits for every current value,
and reports; the server's RSS is read before and after (memory per idle subscription). The
client then sets the room's count through the sandbox scenario and times each delivery:
from the scenario call (includes the wait for the next poll) and from the first delivery
(the fan-out itself). Butlr reporting calls are counted over the run.
"""

from __future__ import annotations

import argparse
import asyncio
import base64
import json
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

from harness import http_json, run_sandbox, run_server

QUERY = "subscription($id: ID!) { occupancy(roomId: $id) { count quality } }"


def rss_kb(pid: int) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    return 0


def pct(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1)))]


async def client(
    url: str,
    control: str,
    room_id: str,
    n: int,
    per: int,
    protocol: str = "graphql-transport-ws",
    deflate: bool = True,
) -> None:
    import websockets
    from websockets import Subprotocol

    room = base64.b64decode(room_id).decode().partition(":")[2].partition(":")[2]
    received: dict[tuple[int, str], tuple[int, float]] = {}
    target = -1

    async def connection(index: int, count: int) -> None:
        ws = await websockets.connect(
            url.replace("http", "ws") + "/graphql",
            subprotocols=[Subprotocol(protocol)],
            max_queue=None,
            compression="deflate" if deflate else None,
        )
        await ws.send(json.dumps({"type": "connection_init"}))
        await ws.recv()
        for s in range(count):
            body = {"query": QUERY, "variables": {"id": room_id}}
            start = "subscribe" if protocol == "graphql-transport-ws" else "start"
            await ws.send(json.dumps({"id": str(s), "type": start, "payload": body}))
        async for raw in ws:
            msg = json.loads(raw)
            if msg["type"] in ("next", "data"):
                value = msg["payload"]["data"]["occupancy"]["count"]
                received[(index, msg["id"])] = (value, time.monotonic())

    conns = [
        asyncio.ensure_future(connection(i, min(per, n - i * per)))
        for i in range((n + per - 1) // per)
    ]
    while len(received) < n:  # noqa: ASYNC110 - a benchmark's poll, not product code
        await asyncio.sleep(0.1)
    current = next(iter(received.values()))[0]
    print(json.dumps({"subscribed": n}), flush=True)
    await asyncio.get_running_loop().run_in_executor(None, sys.stdin.readline)
    target = current + 3
    loop = asyncio.get_running_loop()
    started = time.monotonic()
    await loop.run_in_executor(
        None,
        lambda: http_json(
            "POST", f"{control}/scenarios/butlr/occupancy", {"room_id": room, "count": target}
        ),
    )
    while sum(1 for v, _ in received.values() if v == target) < n:  # noqa: ASYNC110
        await asyncio.sleep(0.01)
    times = [t for v, t in received.values() if v == target]
    first = min(times)
    print(
        json.dumps(
            {
                "from_trigger_ms": [(t - started) * 1000 for t in times],
                "fanout_ms": [(t - first) * 1000 for t in times],
            }
        ),
        flush=True,
    )
    for c in conns:
        c.cancel()


def run(
    n: int, per: int, poll_s: float, logs: Path, protocol: str, deflate: bool
) -> dict[str, Any]:
    with run_sandbox(logs, units="100", latency_ms=0) as sandbox:
        env = {
            "CONCIERGE_OCCUPANCY_POLL_S": str(poll_s),
            "CONCIERGE_MAX_SUBSCRIPTIONS_PER_CONNECTION": str(per),
            "CONCIERGE_MAX_CONNECTIONS_PER_CLIENT": str(n),
        }
        with run_server(logs, sandbox.control_url, env=env) as server:
            body = server.graphql("{ spaces { rooms { id } } }", {})
            room_id = body["data"]["spaces"][0]["rooms"][0]["id"]
            pid = server.process.popen.pid
            before = rss_kb(pid)
            http_json("DELETE", f"{sandbox.control_url}/counters")
            t0 = time.monotonic()
            proc = subprocess.Popen(
                [
                    *(sys.executable, __file__, "--client", server.url),
                    *(sandbox.control_url, room_id, str(n), str(per), protocol),
                    "deflate" if deflate else "plain",
                ],
                stdin=subprocess.PIPE,
                stdout=subprocess.PIPE,
                text=True,
            )
            assert proc.stdin is not None
            assert proc.stdout is not None
            proc.stdout.readline()
            time.sleep(2 * poll_s)  # idle: every subscription open, nothing changing
            after = rss_kb(pid)
            proc.stdin.write("go\n")
            proc.stdin.flush()
            result = json.loads(proc.stdout.readline())
            proc.wait(timeout=30)
            elapsed = time.monotonic() - t0
            _, counters = http_json("GET", f"{sandbox.control_url}/counters?vendor=butlr")
            routes = counters["butlr"]["routes"] if "butlr" in counters else counters["routes"]
            polls = sum(v for k, v in routes.items() if "reporting" in k)
    return {
        "n": n,
        "fanout_p50_ms": statistics.median(result["fanout_ms"]),
        "fanout_p99_ms": pct(result["fanout_ms"], 99),
        "trigger_p50_ms": statistics.median(result["from_trigger_ms"]),
        "trigger_p99_ms": pct(result["from_trigger_ms"], 99),
        "butlr_polls": polls,
        "intervals": elapsed / poll_s,
        "kb_per_subscription": (after - before) / n,
    }


def main() -> None:
    if len(sys.argv) > 1 and sys.argv[1] == "--client":
        url, control, room_id, n, per, protocol, framing = sys.argv[2:9]
        asyncio.run(client(url, control, room_id, int(n), int(per), protocol, framing == "deflate"))
        return
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", default="1000,10000")
    parser.add_argument("--per-connection", type=int, default=100)
    parser.add_argument("--poll-s", type=float, default=1.0)
    parser.add_argument(
        "--no-deflate",
        action="store_true",
        help="clients do not offer permessage-deflate (its state costs ~40 KB a connection)",
    )
    parser.add_argument(
        "--protocol", default="graphql-transport-ws", choices=["graphql-transport-ws", "graphql-ws"]
    )
    args = parser.parse_args()
    logs = Path(tempfile.mkdtemp(prefix="fanout-"))
    print(
        "| N | fan-out p50 / p99 | scenario→client p50 / p99 | Butlr polls / intervals "
        "| KB per idle subscription |"
    )
    print("|---|---|---|---|---|")
    for n in (int(x) for x in args.n.split(",")):
        r = run(n, args.per_connection, args.poll_s, logs, args.protocol, not args.no_deflate)
        print(
            f"| {r['n']:,} | {r['fanout_p50_ms']:.0f} / {r['fanout_p99_ms']:.0f} ms "
            f"| {r['trigger_p50_ms']:.0f} / {r['trigger_p99_ms']:.0f} ms "
            f"| {r['butlr_polls']} / {r['intervals']:.1f} | {r['kb_per_subscription']:.1f} |",
            flush=True,
        )


if __name__ == "__main__":
    main()
