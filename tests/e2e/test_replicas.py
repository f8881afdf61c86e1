"""Two server processes share one PostgreSQL: an unlock retried across both is sent once."""

from __future__ import annotations

import asyncio
from pathlib import Path

import aiohttp
import pytest
from cryptography.fernet import Fernet

from tests.conftest import RunningSandbox
from tests.e2e.replicas import replica
from tests.resolvers.store.conftest import fresh_postgres_database
from tests.schema.graphs import Graph
from tests.server.test_unlock_store import _door, _unlock, _unlocks


@pytest.mark.requires_postgres
async def test_twenty_retries_across_two_processes_on_postgresql_send_one_unlock(
    sandbox: RunningSandbox, http: aiohttp.ClientSession, tmp_path: Path
) -> None:
    async with fresh_postgres_database() as database_url:
        shared = {"database_url": database_url, "token_key": Fernet.generate_key().decode()}
        async with (
            replica(http, sandbox.control_url, tmp_path / "a", **shared) as one,
            replica(http, sandbox.control_url, tmp_path / "b", **shared) as two,
        ):
            graphs = [Graph(one, http), Graph(two, http)]
            door = await _door(graphs[0])
            answers = await asyncio.gather(
                *(_unlock(graphs[i % 2], door, "two-processes") for i in range(20))
            )
    assert await _unlocks(sandbox) == 1
    assert all(a == answers[0] for a in answers)
    assert answers[0]["__typename"] == "UnlockDoorSuccess"
