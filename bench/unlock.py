"""The unlock benchmark: what an idempotent, audited unlock costs over the vendor's latency.

    python bench/unlock.py [--latency-ms 50] [--sequential 50] [--concurrent 200]
                           [--postgres-url postgresql://postgres@127.0.0.1:5432/test]

Starts `concierge sandbox` (every vendor request delayed by `--latency-ms`) and, per
store (a SQLite file; PostgreSQL when `--postgres-url` is given, in a fresh database),
a `concierge serve --sandbox-url` on it. Then, against ButterflyMX access points (RemoteLock
allows an account 120 requests a minute, so it cannot carry 200 unlocks at once):
`--sequential` unlocks one after another (each: claim, attempt, one vendor call, audit);
the same keys again (idempotent replays: no vendor call); and `--concurrent` distinct
unlocks sent at once. The client is this process (aiohttp), the server another.
Raw results go to `bench/results/unlock-<latency>ms.json`.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import statistics
import tempfile
import time
import uuid
from pathlib import Path
from typing import Any

import aiohttp
from harness import Sandbox, run_sandbox, run_server

REPO = Path(__file__).resolve().parents[1]
RESULTS = REPO / "bench" / "results"
RELEASE = "POST /api/v4/door_release_requests"

SITE = """
{ buildings(first: 1) { edges { node {
  accessPoints { id }
  units(first: 20) { edges { node { tenants { id } } } }
} } } }
"""
UNLOCK = """
mutation($door: ID!, $tenant: ID, $key: String!) {
  unlockDoor(input: {doorId: $door, tenantId: $tenant, idempotencyKey: $key}) {
    __typename ... on UnlockDoorSuccess { attempt { id status } } ... on UserError { code }
  }
}
"""


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def summary(seconds: list[float], latency_ms: float, vendor_trips: int) -> dict[str, float]:
    ms = [s * 1000 for s in seconds]
    floor = vendor_trips * latency_ms
    return {
        "n": len(ms),
        "p50_ms": round(statistics.median(ms), 1),
        "p99_ms": round(percentile(ms, 0.99), 1),
        "overhead_p50_ms": round(statistics.median(ms) - floor, 1),
        "overhead_p99_ms": round(percentile(ms, 0.99) - floor, 1),
    }


async def unlock(
    http: aiohttp.ClientSession, url: str, door: str, tenant: str, key: str
) -> tuple[float, str]:
    started = time.perf_counter()
    body = {"query": UNLOCK, "variables": {"door": door, "tenant": tenant, "key": key}}
    async with http.post(f"{url}/graphql", json=body) as response:
        answer = await response.json()
    elapsed = time.perf_counter() - started
    result = answer["data"]["unlockDoor"]
    status = result["attempt"]["status"] if "attempt" in result else result["code"]
    return elapsed, status


async def measure(url: str, sandbox: Sandbox, args: argparse.Namespace) -> dict[str, Any]:
    async with aiohttp.ClientSession(connector=aiohttp.TCPConnector(limit=0)) as http:
        async with http.post(f"{url}/graphql", json={"query": SITE}) as response:
            site = (await response.json())["data"]["buildings"]["edges"][0]["node"]
        door = site["accessPoints"][0]["id"]
        tenant = next(t["id"] for u in site["units"]["edges"] for t in u["node"]["tenants"])
        run = uuid.uuid4().hex[:8]
        await unlock(http, url, door, tenant, f"{run}-warm")  # tokens, door and tenant cached
        sandbox.control("DELETE", "/counters")

        keys = [f"{run}-seq-{i}" for i in range(args.sequential)]
        first = [await unlock(http, url, door, tenant, key) for key in keys]
        sent = sandbox.control("GET", "/counters?vendor=butterflymx")["routes"].get(RELEASE, 0)
        replays = [await unlock(http, url, door, tenant, key) for key in keys]
        after = sandbox.control("GET", "/counters?vendor=butterflymx")["routes"].get(RELEASE, 0)

        started = time.perf_counter()
        burst = await asyncio.gather(
            *(unlock(http, url, door, tenant, f"{run}-burst-{i}") for i in range(args.concurrent))
        )
        burst_wall = time.perf_counter() - started
        total = sandbox.control("GET", "/counters?vendor=butterflymx")["routes"].get(RELEASE, 0)
    statuses: dict[str, int] = {}
    for _, status in [*first, *burst]:
        statuses[status] = statuses.get(status, 0) + 1
    return {
        "sequential": summary([s for s, _ in first], args.latency_ms, 1),
        "vendor_calls_sequential": sent,
        "replay": summary([s for s, _ in replays], args.latency_ms, 0),
        "vendor_calls_replay": after - sent,
        "concurrent": summary([s for s, _ in burst], args.latency_ms, 1)
        | {"wall_s": round(burst_wall, 2), "per_s": round(len(burst) / burst_wall, 1)},
        "vendor_calls_concurrent": total - after,
        "statuses": statuses,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--latency-ms", type=float, default=50.0)
    parser.add_argument("--sequential", type=int, default=50)
    parser.add_argument("--concurrent", type=int, default=200)
    parser.add_argument("--postgres-url", help="a PostgreSQL server to test in a fresh database")
    args = parser.parse_args()
    results: dict[str, Any] = {"latency_ms": args.latency_ms}
    with tempfile.TemporaryDirectory() as scratch:
        logs = Path(scratch)
        with run_sandbox(logs, units="100", latency_ms=args.latency_ms) as sandbox:
            stores = {"sqlite": {"CONCIERGE_DATA_DIR": str(logs / "data")}}
            if args.postgres_url:
                stores["postgresql"] = {
                    "CONCIERGE_DATA_DIR": str(logs / "pg"),
                    "CONCIERGE_DATABASE_URL": asyncio.run(fresh_database(args.postgres_url)),
                }
            for name, env in stores.items():
                with run_server(logs, sandbox.control_url, label=name, env=env) as server:
                    results[name] = asyncio.run(measure(server.url, sandbox, args))
                print(name, json.dumps(results[name], indent=1), flush=True)
    RESULTS.mkdir(parents=True, exist_ok=True)
    out = RESULTS / f"unlock-{args.latency_ms:g}ms.json"
    out.write_text(json.dumps(results, indent=1) + "\n")
    print(f"written {out.relative_to(REPO)}")


async def fresh_database(server_url: str) -> str:
    """A new database on `server_url` for this run (left behind for inspection)."""
    import sqlalchemy as sa
    from sqlalchemy.engine import make_url
    from sqlalchemy.ext.asyncio import create_async_engine

    url = make_url(server_url).set(drivername="postgresql+asyncpg")
    name = f"concierge_bench_{uuid.uuid4().hex[:8]}"
    admin = create_async_engine(url, isolation_level="AUTOCOMMIT")
    try:
        async with admin.connect() as connection:
            await connection.execute(sa.text(f'CREATE DATABASE "{name}"'))
    finally:
        await admin.dispose()
    return url.set(database=name).render_as_string(hide_password=False)


if __name__ == "__main__":
    main()
