"""Every schema test that starts a server runs twice: on the fast path and without it."""

from __future__ import annotations

import pytest


@pytest.fixture(params=["fast", "stock"])
def execution_path(request: pytest.FixtureRequest) -> str:
    """The fast path must answer exactly what graphql-core's own completion answers."""
    path: str = request.param
    return path
