"""The benchmark's critical-path reading of the sandbox request log."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path
from types import ModuleType

import pytest


@pytest.fixture(scope="module")
def analysis() -> ModuleType:
    # bench/ holds scripts, not a package: load the module from its file.
    path = Path(__file__).resolve().parents[2] / "bench" / "analysis.py"
    spec = importlib.util.spec_from_file_location("bench_analysis", path)
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


def _request(analysis: ModuleType, vendor: str, route: str, start: float, end: float) -> object:
    return analysis.VendorRequest(vendor, route, start, end, 200)


def test_the_chain_follows_requests_that_start_after_the_previous_finished(
    analysis: ModuleType,
) -> None:
    log = [
        _request(analysis, "bmx", "POST /token", 0.00, 0.05),
        _request(analysis, "bmx", "GET /units p1", 0.06, 0.11),
        _request(analysis, "butlr", "POST /login", 0.06, 0.11),  # concurrent with p1
        _request(analysis, "bmx", "GET /units p2", 0.12, 0.17),
        _request(analysis, "butlr", "GET /spaces", 0.12, 0.16),
        _request(analysis, "rl", "GET /devices", 0.10, 0.21),  # overlaps p1: not after it
    ]
    chain = analysis.critical_path(log)
    # p2 could follow the login as well: a step within one vendor is preferred.
    assert [r.route for r in chain] == ["POST /token", "GET /units p1", "GET /units p2"]


def test_overlapping_requests_make_a_chain_of_one(analysis: ModuleType) -> None:
    log = [_request(analysis, "bmx", f"GET /{i}", 0.0 + i / 1000, 0.05) for i in range(5)]
    assert len(analysis.critical_path(log)) == 1
    assert analysis.critical_path([]) == []


def test_token_and_live_routes_are_told_apart_from_reference_data(analysis: ModuleType) -> None:
    assert analysis.kind_of("butterflymx", "POST /accounts/oauth/token") == "token"
    assert analysis.kind_of("butlr", "POST /api/v2/clients/login") == "token"
    assert analysis.kind_of("butlr", "POST /api/v3/reporting") == "live"
    assert analysis.kind_of("remotelock", "GET /api/devices") == "live"
    assert analysis.kind_of("butterflymx", "GET /api/v3/units") == "reference"
