"""Reading the sandbox's counters and request log, and GraphQL answers, for the benchmarks."""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass
from itertools import pairwise
from typing import Any, Literal

Kind = Literal["token", "reference", "live"]

# Live data (server-side 10 s TTL): lock state and battery come with RemoteLock's device
# list, occupancy with Butlr's reporting call. Everything else is reference data.
LIVE_ROUTES = frozenset(
    {
        ("remotelock", "GET /api/devices"),
        ("remotelock", "GET /api/v1/devices"),
        ("butlr", "POST /api/v3/reporting"),
    }
)
# Collection walks whose page count depends on collection size (the allowed growth).
PAGED_ROUTES = frozenset(
    {
        ("butterflymx", "GET /api/v3/buildings"),
        ("butterflymx", "GET /api/v3/units"),
        ("butterflymx", "GET /api/v3/devices"),
        ("remotelock", "GET /api/devices"),
        ("remotelock", "GET /api/v1/devices"),
        ("butlr", "GET /api/v2/spaces"),
    }
)


def kind_of(vendor: str, route: str) -> Kind:
    if route.endswith("/oauth/token") or route.endswith("/login"):
        return "token"
    return "live" if (vendor, route) in LIVE_ROUTES else "reference"


def route_counts(counters: dict[str, Any]) -> dict[str, dict[str, int]]:
    """{vendor: {route: count}} from `GET /_control/counters`, vendors without calls left out."""
    return {
        vendor: {route: int(n) for route, n in snap["routes"].items()}
        for vendor, snap in counters.items()
        if snap["routes"]
    }


def by_kind(routes: dict[str, dict[str, int]]) -> dict[Kind, int]:
    totals: dict[Kind, int] = {"token": 0, "reference": 0, "live": 0}
    for vendor, counts in routes.items():
        for route, n in counts.items():
            totals[kind_of(vendor, route)] += n
    return totals


@dataclass(frozen=True)
class VendorRequest:
    vendor: str
    route: str
    started: float  # sandbox monotonic seconds
    finished: float
    status: int

    @classmethod
    def of(cls, raw: dict[str, Any]) -> VendorRequest:
        return cls(
            str(raw["vendor"]),
            str(raw["route"]),
            float(raw["started"]),
            float(raw["finished"]),
            int(raw["status"]),
        )

    @property
    def label(self) -> str:
        return f"{self.vendor} {self.route}"


def critical_path(requests: Sequence[VendorRequest]) -> list[VendorRequest]:
    """The longest chain of requests where each starts after the previous one finished.

    Measured, not inferred: two independent requests issued one after the other also
    chain, so this is an upper bound on the dependent round trips. Among chains of equal
    length, steps along one route, then within one vendor, then the tightest are preferred.
    """
    ordered = sorted(requests, key=lambda r: (r.finished, r.started))
    length = [1] * len(ordered)
    before: list[int | None] = [None] * len(ordered)
    for j, later in enumerate(ordered):
        candidates = [i for i in range(j) if ordered[i].finished <= later.started]
        if candidates:
            # Longest first; then the same route (a page walk), the same vendor (a token
            # before its call) and the latest to finish: the likeliest real dependency.
            best = max(
                candidates,
                key=lambda i: (
                    length[i],
                    ordered[i].route == later.route,
                    ordered[i].vendor == later.vendor,
                    ordered[i].finished,
                ),
            )
            length[j], before[j] = length[best] + 1, best
    if not ordered:
        return []
    end: int | None = max(range(len(ordered)), key=lambda k: (length[k], ordered[k].finished))
    chain: list[VendorRequest] = []
    while end is not None:
        chain.append(ordered[end])
        end = before[end]
    return chain[::-1]


@dataclass(frozen=True)
class PathTiming:
    """Where the wall time went, on the shared monotonic clock of one host (Linux)."""

    before_first_ms: float  # GraphQL request sent -> first request of the chain starts
    in_requests_ms: float  # sum of the chain's request durations (latency included)
    between_ms: float  # server time between one chain request's end and the next's start
    after_last_ms: float  # last chain request ends -> GraphQL response fully read

    @property
    def ours_ms(self) -> float:
        """Our server's own time on the critical path: everything but the vendor calls."""
        return self.before_first_ms + self.between_ms + self.after_last_ms

    def as_dict(self) -> dict[str, float]:
        return {k: round(v, 1) for k, v in {**asdict(self), "ours_ms": self.ours_ms}.items()}


def path_timing(chain: Sequence[VendorRequest], sent: float, received: float) -> PathTiming:
    if not chain:
        return PathTiming(0.0, 0.0, 0.0, (received - sent) * 1000)
    between = sum(b.started - a.finished for a, b in pairwise(chain))
    return PathTiming(
        before_first_ms=(chain[0].started - sent) * 1000,
        in_requests_ms=sum(r.finished - r.started for r in chain) * 1000,
        between_ms=between * 1000,
        after_last_ms=(received - chain[-1].finished) * 1000,
    )


def _pattern(path: Iterable[str | int]) -> str:
    return ".".join("[]" if isinstance(p, int) else p for p in path)


def null_fields(data: Any, path: tuple[str | int, ...] = ()) -> Counter[str]:
    """How many times each field (list indices folded to `[]`) came back null."""
    found: Counter[str] = Counter()
    if data is None:
        found[_pattern(path)] += 1
    elif isinstance(data, dict):
        for key, value in data.items():
            found += null_fields(value, (*path, key))
    elif isinstance(data, list):
        for i, value in enumerate(data):
            found += null_fields(value, (*path, i))
    return found


def error_summary(errors: Iterable[dict[str, Any]]) -> list[dict[str, Any]]:
    """GraphQL errors grouped by code, vendor, field pattern and message, with counts."""
    groups: Counter[tuple[str, str, str, str]] = Counter()
    for error in errors:
        ext = error.get("extensions") or {}
        groups[
            (
                str(ext.get("code")),
                str(ext.get("vendor")),
                _pattern(error.get("path") or []),
                str(error.get("message")),
            )
        ] += 1
    return [
        {"code": c, "vendor": v, "path": p, "message": m, "count": n}
        for (c, v, p, m), n in sorted(groups.items())
    ]


PAGE_LIMIT = re.compile(r"cannot be higher than (\d+)")


def page_limit(errors: Iterable[dict[str, Any]]) -> int | None:
    """The server's connection page cap, when it refused our `first`."""
    for error in errors:
        match = PAGE_LIMIT.search(str(error.get("message", "")))
        if match:
            return int(match.group(1))
    return None
