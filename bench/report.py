"""The dashboard benchmark's printed report and its verdict on the issue's targets."""

from __future__ import annotations

import json
import statistics
from typing import Any

from analysis import PAGED_ROUTES

TARGET_MAX_REQUESTS_100 = 20
TARGET_SLACK_MS = 40.0
TARGET_LATENCY_MS = 50.0
TARGET_BUTLR_DOWN_S = 2.0


def _table(rows: list[list[str]]) -> str:
    widths = [max(len(r[i]) for r in rows) for i in range(len(rows[0]))]
    lines = [
        "  ".join(
            c.rjust(w) if i else c.ljust(w) for i, (c, w) in enumerate(zip(r, widths, strict=True))
        )
        for r in rows
    ]
    lines.insert(1, "  ".join("-" * w for w in widths))
    return "\n".join(lines)


def _code(results: dict[str, Any]) -> str:
    revision = results["revision"]
    changed = len(revision["changed"])
    return str(revision["commit"]) + (f" + {changed} changed product files" if changed else "")


def _vendor_cell(seen: dict[str, Any]) -> str:
    v = seen["by_vendor"]
    return "/".join(str(v.get(n, 0)) for n in ("butterflymx", "remotelock", "butlr"))


def report(results: dict[str, Any]) -> str:
    out: list[str] = []
    lat = results["latency_ms"]
    out.append(
        f"Dashboard benchmark: latency {lat:g} ms, units {results['units']}, "
        f"page size {results['page_size']}, code {_code(results)}"
    )
    for finding in results["findings"]:
        out.append(f"NOTE: {finding}")
    rows = [
        [
            "building",
            "units",
            "bmx/rl/butlr",
            "total",
            "token",
            "wall ms",
            "pages",
            "crit.path",
            f"cp x {lat:g}ms",
            "wall-cp ms",
            "ours ms",
            "warm ref",
            "warm live",
            "live after TTL",
        ]
    ]
    for b in results["buildings"]:
        cold, warm, ttl = b["cold"], b["warm"], b["after_live_ttl"]
        rows.append(
            [
                b["building"]["name"],
                str(b["building"]["unit_count"]),
                _vendor_cell(cold),
                str(cold["total"]),
                str(cold["by_kind"]["token"]),
                f"{cold['wall_ms']:.0f}",
                str(cold["graphql_pages"]),
                str(cold["critical_path"]),
                f"{cold['critical_path_x_latency_ms']:.0f}",
                f"{cold['wall_minus_critical_path_ms']:+.0f}",
                f"{cold['timing']['ours_ms']:.0f}",
                ",".join(str(w["by_kind"]["reference"] + w["by_kind"]["token"]) for w in warm),
                ",".join(str(w["by_kind"]["live"]) for w in warm),
                "-"
                if ttl is None
                else f"{ttl['by_kind']['live']} live/"
                f"{ttl['by_kind']['reference'] + ttl['by_kind']['token']} ref",
            ]
        )
    out.append("")
    out.append(_table(rows))
    out += [
        "",
        "bmx/rl/butlr, total, token: vendor requests of the cold query (fresh server: empty",
        "  caches, no tokens), token requests included. crit.path: the longest chain of those",
        "  requests where each starts after the previous one finished (measured from the",
        "  sandbox log). wall-cp: wall - crit.path x latency. ours: our server's own time on",
        "  that path (before the first call, between calls, after the last). warm ref/live:",
        "  reference (+token) and live requests of each warm repeat; live after TTL: one more",
        f"  repeat {results['live_wait_s']:g} s later.",
    ]
    for b in results["buildings"]:
        cold = b["cold"]
        out.append("")
        out.append(
            f"{b['building']['name']} ({b['building']['unit_count']} units), cold: "
            f"{json.dumps(cold['shape'])}"
        )
        for vendor, routes in cold["routes"].items():
            for route, n in routes.items():
                out.append(f"  {n:3d}  {vendor} {route}")
        out.append(
            f"  critical path ({cold['critical_path']} requests); ms after the query was sent, "
            "gap = our server's time since the previous step ended:"
        )
        previous_end = 0.0
        for step in cold["critical_path_steps"]:
            out.append(
                f"    {step['start_ms']:7.1f} - {step['end_ms']:7.1f}  "
                f"(+{step['start_ms'] - previous_end:5.1f} gap)  {step['route']}"
            )
            previous_end = step["end_ms"]
        t = cold["timing"]
        out.append(
            f"  wall {cold['wall_ms']:.0f} ms = {t['before_first_ms']:.0f} before the "
            f"first vendor call + {t['in_requests_ms']:.0f} in chained calls + "
            f"{t['between_ms']:.0f} between them + {t['after_last_ms']:.0f} after the last"
        )
        for error in cold["errors"]:
            out.append(
                f"  error x{error['count']}: {error['code']} {error['vendor']} "
                f"{error['path']}: {error['message']}"
            )
        for i, w in enumerate(b["warm"], 1):
            out.append(f"  warm repeat {i}: {w['wall_ms']:.0f} ms, {json.dumps(w['routes'])}")
        if b["after_live_ttl"] is not None:
            ttl = b["after_live_ttl"]
            out.append(
                f"  after {results['live_wait_s']:g} s: {ttl['wall_ms']:.0f} ms, "
                f"{json.dumps(ttl['routes'])}"
            )
    out.append("")
    out.append("Targets:")
    out += [f"  [{t['verdict']}] {t['target']}: {t['detail']}" for t in results["targets"]]
    return "\n".join(out)


def report_butlr_down(results: dict[str, Any]) -> str:
    out = [
        f"Butlr down (error_rate 1): latency {results['latency_ms']:g} ms, "
        f"page size {results['page_size']}, code {_code(results)}"
    ]
    for finding in results["findings"]:
        out.append(f"NOTE: {finding}")
    rows = [
        [
            "building",
            "units",
            "wall ms",
            "healthy wall ms",
            "bmx/rl/butlr",
            "butlr requests",
            "all access data",
            "right after recovery",
        ]
    ]
    for b in results["buildings"]:
        down, after = b["down"], b["after_recovery"]
        rows.append(
            [
                b["building"]["name"],
                str(b["building"]["unit_count"]),
                f"{down['wall_ms']:.0f}",
                f"{b['baseline']['wall_ms']:.0f}",
                _vendor_cell(down),
                json.dumps(down["routes"].get("butlr", {})),
                "yes" if b["all_access_data"] else "NO",
                ", ".join(f"{e['code']} {e['path']}" for e in after["errors"]) or "no errors",
            ]
        )
    out.append("")
    out.append(_table(rows))
    for b in results["buildings"]:
        down = b["down"]
        out.append("")
        out.append(f"{b['building']['name']}: shape {json.dumps(down['shape'])}")
        out.append(
            "  null while Butlr is down, not null when healthy: "
            + (", ".join(b["null_fields_not_null_in_baseline"]) or "nothing")
        )
        for error in down["errors"]:
            out.append(
                f"  error x{error['count']}: code={error['code']} vendor={error['vendor']}"
                f" path={error['path']}: {error['message']}"
            )
        butlr = [r for r in down["requests"] if r["vendor"] == "butlr"]
        last_vendor_end = max((r["end_ms"] for r in down["requests"]), default=0.0)
        out.append(
            "  Butlr requests at (ms): "
            + ", ".join(f"{r['start_ms']:.0f}-{r['end_ms']:.0f} {r['status']}" for r in butlr)
            + f"; last vendor answer at {last_vendor_end:.0f}, response at {down['wall_ms']:.0f}"
        )
    out.append("")
    out.append("Targets:")
    out += [f"  [{t['verdict']}] {t['target']}: {t['detail']}" for t in results["targets"]]
    return "\n".join(out)


def _verdict(ok: bool | None) -> str:
    return "n/a" if ok is None else ("HOLDS" if ok else "FAILS")


def _slacks(building: dict[str, Any]) -> list[float]:
    """wall - cp x latency of every cold run of a building (older results: the one cold)."""
    runs = building.get("cold_runs") or [building["cold"]]
    return [float(r["wall_minus_critical_path_ms"]) for r in runs]


def _spread(values: list[float]) -> str:
    ordered = sorted(values)
    return (
        f"wall - cp x latency median {statistics.median(ordered):+.0f} ms, "
        f"max {ordered[-1]:+.0f} ms over {len(ordered)} runs "
        f"({', '.join(f'{v:+.0f}' for v in ordered)})"
    )


def targets(results: dict[str, Any]) -> list[dict[str, str]]:
    found: list[dict[str, str]] = []
    buildings = results["buildings"]
    lat = results["latency_ms"]
    colds = [b["cold"] for b in buildings]
    everything: set[tuple[str, str]] = {
        (v, r) for c in colds for v, routes in c["routes"].items() for r in routes
    }
    differing = sorted(
        f"{v} {r}: " + "/".join(str(c["routes"].get(v, {}).get(r, 0)) for c in colds)
        for v, r in everything
        if len({c["routes"].get(v, {}).get(r, 0) for c in colds}) > 1 and (v, r) not in PAGED_ROUTES
    )
    sizes = "/".join(str(b["building"]["unit_count"]) for b in buildings)
    found.append(
        {
            "target": f"requests do not grow with units ({sizes}) beyond pagination",
            "verdict": _verdict(not differing),
            "detail": f"totals {'/'.join(str(c['total']) for c in colds)}"
            + (f"; non-paged routes that differ: {'; '.join(differing)}" if differing else ""),
        }
    )
    hundred = [b["cold"] for b in buildings if b["building"]["unit_count"] == 100]
    found.append(
        {
            "target": f"at most {TARGET_MAX_REQUESTS_100} vendor requests for 100 units (cold, "
            "tokens included)",
            "verdict": _verdict(
                hundred[0]["total"] <= TARGET_MAX_REQUESTS_100 if hundred else None
            ),
            "detail": f"{hundred[0]['total']} requests" if hundred else "no 100-unit building",
        }
    )
    stated = lat == TARGET_LATENCY_MS
    slack = {b["building"]["unit_count"]: _slacks(b) for b in buildings}
    within = f"wall time within {TARGET_SLACK_MS:g} ms of critical path x {TARGET_LATENCY_MS:g} ms"
    caveat = "" if stated else f" (target is stated for {TARGET_LATENCY_MS:g} ms latency)"
    found.append(
        {
            "target": f"{within}, the 100-unit dashboard, every cold run",
            "verdict": _verdict(
                max(slack[100]) <= TARGET_SLACK_MS if stated and 100 in slack else None
            ),
            "detail": (_spread(slack[100]) if 100 in slack else "no 100-unit building") + caveat,
        }
    )
    found.append(
        {
            "target": f"{within}, every size, every cold run",
            "verdict": _verdict(
                all(max(s) <= TARGET_SLACK_MS for s in slack.values()) if stated else None
            ),
            "detail": "; ".join(f"{units} units: {_spread(s)}" for units, s in slack.items())
            + caveat,
        }
    )
    problems = [
        f"{b['building']['name']}: {c['shape'].get('units', 0)}/{b['building']['unit_count']} "
        f"units, {sum(e['count'] for e in c['errors'])} errors"
        for b, c in zip(buildings, colds, strict=True)
        if c["errors"] or c["shape"].get("units") != b["building"]["unit_count"]
    ]
    found.append(
        {
            "target": "the dashboard is complete (every unit, no GraphQL errors)",
            "verdict": _verdict(not problems),
            "detail": "; ".join(problems) or "every building, cold",
        }
    )
    repeats = [w for b in buildings for w in b["warm"]]
    ref = [w["by_kind"]["reference"] + w["by_kind"]["token"] for w in repeats]
    live = [w["by_kind"]["live"] for w in repeats]
    found.append(
        {
            "target": "zero reference-data requests on a warm repeat",
            "verdict": _verdict(all(n == 0 for n in ref) if repeats else None),
            "detail": f"reference+token per repeat {ref}; live (10 s TTL) per repeat {live}",
        }
    )
    return found


def butlr_down_targets(results: dict[str, Any]) -> list[dict[str, str]]:
    walls = [b["down"]["wall_ms"] for b in results["buildings"]]
    complete = [b["all_access_data"] for b in results["buildings"]]
    return [
        {
            "target": f"Butlr down: under {TARGET_BUTLR_DOWN_S:g} s with all access data",
            "verdict": _verdict(
                all(w < TARGET_BUTLR_DOWN_S * 1000 for w in walls) and all(complete)
            ),
            "detail": "wall "
            + ", ".join(f"{w:.0f} ms" for w in walls)
            + "; all access data "
            + ", ".join("yes" if c else "NO" for c in complete),
        }
    ]
