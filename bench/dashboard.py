"""The building-dashboard benchmark: vendor requests, critical path and wall time per building.

    python bench/dashboard.py [--latency-ms 50] [--units 10,100,300] [--repeat 3] [--butlr-down]

Starts `concierge sandbox` (buildings of the given sizes, every vendor request delayed by
`--latency-ms`) and, per building, a fresh `concierge serve --sandbox-url` whose caches
and vendor tokens are empty, then runs one dashboard query for that building. Token
requests are part of the cold numbers. The same server then answers `--repeat` warm
repeats and, after the live TTL, one more. `--butlr-down` instead makes Butlr answer 503
to everything and reports what the dashboard still shows. Raw results go to
`bench/results/dashboard-<latency>ms[-butlr-down].json`.
"""

from __future__ import annotations

import argparse
import base64
import hashlib
import json
import signal
import subprocess
import sys
import tempfile
import time
from contextlib import AbstractContextManager
from dataclasses import dataclass, field
from pathlib import Path
from types import FrameType
from typing import Any

from analysis import (
    VendorRequest,
    by_kind,
    critical_path,
    error_summary,
    null_fields,
    page_limit,
    path_timing,
    route_counts,
)
from harness import Sandbox, Server, run_sandbox, run_server
from report import butlr_down_targets, report, report_butlr_down, targets

REPO = Path(__file__).resolve().parents[1]
RESULTS = REPO / "bench" / "results"
PACKAGES = ("connectors", "resolvers", "schema", "server", "sandbox")
LIVE_TTL_S = 10.0  # resolvers/cache.py default for occupancy and lock state

QUERY = """
query Dashboard($id: ID!, $first: Int!, $after: String, $firstPage: Boolean!) {
  node(id: $id) {
    ... on Building {
      id
      name
      units(first: $first, after: $after) {
        pageInfo { hasNextPage endCursor }
        edges {
          node {
            id
            label
            floor
            tenants { id name email }
            doors { id name vendor kind state online battery }
          }
        }
      }
      accessPoints @include(if: $firstPage) { id name kind state online battery }
      spaces @include(if: $firstPage) {
        id
        name
        rooms {
          id
          name
          capacity
          occupancy { count capacity asOf quality }
          sensors { id name mode batteryPercent batteryLow lastHeartbeat }
        }
      }
    }
  }
}
"""


@dataclass
class Building:
    vendor_id: str
    name: str
    unit_count: int

    @property
    def global_id(self) -> str:
        return base64.b64encode(f"Building:butterflymx:{self.vendor_id}".encode()).decode()


@dataclass
class QueryRun:
    """One dashboard, possibly over several pages of units; times on the monotonic clock."""

    data: dict[str, Any] | None
    errors: list[dict[str, Any]]
    pages: int
    sent: float
    received: float

    @property
    def wall_ms(self) -> float:
        return (self.received - self.sent) * 1000


def run_dashboard(server: Server, building: Building, page_size: int) -> QueryRun:
    errors: list[dict[str, Any]] = []
    merged: dict[str, Any] | None = None
    after: str | None = None
    pages = 0
    sent = time.monotonic()
    while True:
        variables = {
            "id": building.global_id,
            "first": page_size,
            "after": after,
            "firstPage": pages == 0,
        }
        answer = server.graphql(QUERY, variables)
        pages += 1
        errors += answer.get("errors") or []
        node = (answer.get("data") or {}).get("node")
        if node is None:
            break
        if merged is None:
            merged = node
        else:
            merged["units"]["edges"] += node["units"]["edges"]
        info = node["units"]["pageInfo"]
        if not info["hasNextPage"]:
            break
        after = info["endCursor"]
    return QueryRun(merged, errors, pages, sent, time.monotonic())


def _relative(request: VendorRequest, sent: float) -> dict[str, float]:
    """Start and end in ms after the GraphQL request was sent (one host, one monotonic clock)."""
    return {
        "start_ms": round((request.started - sent) * 1000, 1),
        "end_ms": round((request.finished - sent) * 1000, 1),
    }


def shape(node: dict[str, Any] | None) -> dict[str, int]:
    """How much came back: to check the answer is the whole dashboard."""
    if node is None:
        return {}
    units = [e["node"] for e in node["units"]["edges"]]
    rooms = [r for s in node.get("spaces") or [] for r in s["rooms"]]
    return {
        "units": len(units),
        "tenants": sum(len(u["tenants"] or []) for u in units),
        "unit_doors": sum(len(u["doors"] or []) for u in units),
        "access_points": len(node.get("accessPoints") or []),
        "spaces": len(node.get("spaces") or []),
        "rooms": len(rooms),
        "rooms_with_occupancy": sum(1 for r in rooms if r["occupancy"] is not None),
        "sensors": sum(len(r["sensors"] or []) for r in rooms),
    }


def access_part(node: dict[str, Any] | None) -> Any:
    if node is None:
        return None
    return {k: node.get(k) for k in ("id", "name", "units", "accessPoints")}


@dataclass
class Bench:
    args: argparse.Namespace
    sandbox: Sandbox
    logs: Path
    page_size: int
    findings: list[str] = field(default_factory=list)
    fingerprints: set[str] = field(default_factory=set)

    def measured(self, server: Server, building: Building) -> tuple[QueryRun, dict[str, Any]]:
        """Counters reset, one dashboard, then what the sandbox saw."""
        self.sandbox.control("DELETE", "/counters")
        run = run_dashboard(server, building, self.page_size)
        routes = route_counts(self.sandbox.control("GET", "/counters"))
        log = [VendorRequest.of(r) for r in self.sandbox.control("GET", "/requests")["requests"]]
        chain = critical_path(log)
        latency = self.args.latency_ms
        seen = {
            "wall_ms": round(run.wall_ms, 1),
            "graphql_pages": run.pages,
            "routes": routes,
            "by_vendor": {v: sum(c.values()) for v, c in routes.items()},
            "by_kind": by_kind(routes),
            "total": sum(sum(c.values()) for c in routes.values()),
            "critical_path": len(chain),
            "critical_path_routes": [r.label for r in chain],
            "critical_path_steps": [{"route": r.label, **_relative(r, run.sent)} for r in chain],
            "critical_path_x_latency_ms": len(chain) * latency,
            "wall_minus_critical_path_ms": round(run.wall_ms - len(chain) * latency, 1),
            "timing": path_timing(chain, run.sent, run.received).as_dict(),
            "errors": error_summary(run.errors),
            "shape": shape(run.data),
            "requests": [
                {"vendor": r.vendor, "route": r.route, **_relative(r, run.sent), "status": r.status}
                for r in log
            ],
        }
        return run, seen

    def probe_page_size(self, building: Building) -> None:
        """Ask for the whole unit list once; fall back to the server's cap if it refuses."""
        with run_server(self.logs, self.sandbox.control_url, label="probe") as server:
            run = run_dashboard(server, building, self.page_size)
        limit = page_limit(run.errors)
        if limit is not None and limit < self.page_size:
            self.findings.append(
                f"`units(first: {self.page_size})` is refused: {run.errors[0]['message']!r} "
                f"(the whole `node` is null). Measured with pages of {limit} instead; "
                "wall time and requests below cover every page."
            )
            self.page_size = limit

    def server(self) -> AbstractContextManager[Server]:
        self.fingerprints.add(code_fingerprint())
        return run_server(self.logs, self.sandbox.control_url)

    def building(self, building: Building) -> dict[str, Any]:
        with self.server() as server:
            _, cold = self.measured(server, building)
            warm = [self.measured(server, building)[1] for _ in range(self.args.repeat)]
            after_ttl = None
            if self.args.live_wait > 0:
                time.sleep(self.args.live_wait)
                after_ttl = self.measured(server, building)[1]
        # More cold queries, each on a fresh server: one run's wall time moves by +-10 ms.
        more_cold = []
        for _ in range(self.args.cold_runs - 1):
            with self.server() as server:
                more_cold.append(self.measured(server, building)[1])
        return {
            "building": vars(building),
            "cold": cold,
            "cold_runs": [_cold_summary(c) for c in [cold, *more_cold]],
            "warm": warm,
            "after_live_ttl": after_ttl,
        }

    def butlr_down(self, building: Building) -> dict[str, Any]:
        """A healthy cold baseline, then a cold dashboard on a fresh server with Butlr down."""
        with self.server() as server:
            baseline_run, baseline = self.measured(server, building)
        with self.server() as server:
            self.sandbox.control("PATCH", "/faults/butlr", {"error_rate": 1})
            try:
                down_run, down = self.measured(server, building)
            finally:
                # Not DELETE: that would also drop Butlr's share of `--latency-ms`.
                self.sandbox.control("PATCH", "/faults/butlr", {"error_rate": 0})
            _, recovered = self.measured(server, building)
        down_nulls = null_fields(down_run.data)
        same_access = access_part(down_run.data) == access_part(baseline_run.data)
        complete = down["shape"].get("units") == building.unit_count
        return {
            "building": vars(building),
            "baseline": baseline,
            "down": down,
            "after_recovery": recovered,
            "access_equal_to_baseline": same_access,
            "all_access_data": same_access and complete,
            "null_fields": dict(down_nulls),
            "null_fields_not_null_in_baseline": sorted(
                set(down_nulls) - set(null_fields(baseline_run.data))
            ),
        }


def _cold_summary(cold: dict[str, Any]) -> dict[str, Any]:
    keys = ("wall_ms", "total", "critical_path", "wall_minus_critical_path_ms", "timing")
    return {key: cold[key] for key in keys}


def buildings_of(sandbox: Sandbox) -> list[Building]:
    site = sandbox.control("GET", "/sitemap")
    return [
        Building(str(b["butterflymx_building_id"]), str(b["name"]), int(b["unit_count"]))
        for b in site["buildings"]
    ]


# -- main ----------------------------------------------------------------------------------


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--latency-ms", type=float, default=50.0)
    parser.add_argument("--units", default="10,100,300", help="units per building")
    parser.add_argument("--repeat", type=int, default=3, help="warm repeats per building")
    parser.add_argument(
        "--cold-runs", type=int, default=5, help="cold queries per building, each on a fresh server"
    )
    parser.add_argument("--butlr-down", action="store_true", help="Butlr answers 503 to all")
    parser.add_argument("--page-size", type=int, default=1000, help="units(first:) to ask for")
    parser.add_argument(
        "--live-wait",
        type=float,
        default=LIVE_TTL_S + 0.5,
        help="seconds to wait before one more repeat, past the live TTL (0: skip)",
    )
    parser.add_argument("--out", type=Path, help="results file (default bench/results/...)")
    return parser


def _revision() -> dict[str, Any]:
    """The code measured: HEAD and the product files changed on top of it (read-only git)."""

    def git(*args: str) -> str:
        done = subprocess.run(
            ["git", *args], cwd=REPO, capture_output=True, text=True, check=False, timeout=10
        )
        return done.stdout.strip() if done.returncode == 0 else ""

    changed = [
        line[3:]
        for line in git("status", "--porcelain").splitlines()
        if line[3:].startswith(PACKAGES)
    ]
    return {"commit": git("rev-parse", "--short", "HEAD"), "changed": changed}


def code_fingerprint() -> str:
    """A hash of the product's source, taken as each server starts: edits mid-run show up."""
    digest = hashlib.sha256()
    for package in PACKAGES:
        for path in sorted((REPO / package).rglob("*.py")):
            digest.update(str(path.relative_to(REPO)).encode())
            digest.update(path.read_bytes())
    return digest.hexdigest()[:12]


def _stop_on_sigterm(signum: int, frame: FrameType | None) -> None:
    raise SystemExit(128 + signum)  # unwinds through the `finally`s that stop our children


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    signal.signal(signal.SIGTERM, _stop_on_sigterm)
    suffix = "-butlr-down" if args.butlr_down else ""
    out = args.out or RESULTS / f"dashboard-{args.latency_ms:g}ms{suffix}.json"
    with (
        tempfile.TemporaryDirectory(prefix="concierge-bench-") as tmp,
        run_sandbox(Path(tmp), units=args.units, latency_ms=args.latency_ms) as sandbox,
    ):
        bench = Bench(args, sandbox, Path(tmp), args.page_size)
        buildings = buildings_of(sandbox)
        bench.probe_page_size(min(buildings, key=lambda b: b.unit_count))
        measure = bench.butlr_down if args.butlr_down else bench.building
        measured = [measure(b) for b in buildings]
    if len(bench.fingerprints) > 1:
        bench.findings.append(
            "the product's source changed during this run: the buildings were measured "
            "on different code; run again on a quiet tree"
        )
    results: dict[str, Any] = {
        "command": " ".join(["python", "bench/dashboard.py", *(argv or sys.argv[1:])]),
        "mode": "butlr-down" if args.butlr_down else "healthy",
        "revision": {**_revision(), "source_sha256": sorted(bench.fingerprints)},
        "latency_ms": args.latency_ms,
        "units": args.units,
        "page_size": bench.page_size,
        "live_wait_s": args.live_wait,
        "findings": bench.findings,
        "buildings": measured,
    }
    results["targets"] = butlr_down_targets(results) if args.butlr_down else targets(results)
    print(report_butlr_down(results) if args.butlr_down else report(results))
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(results, indent=2) + "\n")
    print(f"\nraw results: {out}")
    return 0


if __name__ == "__main__":
    try:
        raise SystemExit(main())
    except KeyboardInterrupt:  # the children were stopped on the way out
        print("interrupted", file=sys.stderr)
        raise SystemExit(130) from None
