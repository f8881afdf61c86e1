"""Idempotent unlocks hold across a restart (SQLite file) and across replicas (PostgreSQL),
and every attempt leaves an audit record."""

from __future__ import annotations

import asyncio
import base64
from pathlib import Path
from typing import Any

import aiohttp
import pytest
import sqlalchemy as sa
from cryptography.fernet import Fernet
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import create_async_engine

from concierge.server.settings import Settings
from concierge.server.store import open_store
from tests.conftest import RunningSandbox, running_server
from tests.resolvers.store.conftest import fresh_postgres_database
from tests.schema.graphs import Graph, building_of
from tests.schema.test_unlock import DOORS, RL_UNLOCK, UNLOCK


async def _door(graph: Graph) -> str:
    return str(next(d["id"] for d in building_of(await graph.query(DOORS))["doors"] if d["online"]))


async def _unlock(graph: Graph, door: str, key: str) -> Any:
    body = await graph.query(UNLOCK, door=door, key=key, tenant=None)
    assert "errors" not in body, body
    return body["data"]["unlockDoor"]


async def _unlocks(sandbox: RunningSandbox) -> int:
    return int((await sandbox.counters("remotelock"))["routes"].get(RL_UNLOCK, 0))


async def test_a_retry_after_a_restart_gets_the_first_answer_and_no_second_unlock(
    sandbox: RunningSandbox, http: aiohttp.ClientSession, tmp_path: Path
) -> None:
    settings = Settings(
        sandbox_url=sandbox.control_url, demo_activity_s=0, data_dir=str(tmp_path / "data")
    )
    async with running_server(settings) as url:
        graph = Graph(url, http)
        door = await _door(graph)
        first = await _unlock(graph, door, "across-restart")
    assert await _unlocks(sandbox) == 1
    async with running_server(settings) as url:
        again = await _unlock(Graph(url, http), door, "across-restart")
    assert again == first
    assert await _unlocks(sandbox) == 1

    store = await open_store(settings)
    try:
        entries = await store.audit.recent(target=None)
    finally:
        await store.close()
    unlocks = [e for e in entries if e.action == "door.unlock"]
    assert [(e.actor, e.outcome) for e in unlocks] == [("demo", "accepted")]
    assert unlocks[0].detail is not None
    assert unlocks[0].detail["attempt"] == _attempt_key(first["attempt"]["id"])


@pytest.mark.requires_postgres
async def test_two_replicas_on_one_postgresql_send_one_unlock_for_twenty_requests(
    sandbox: RunningSandbox, http: aiohttp.ClientSession, tmp_path: Path
) -> None:
    async with fresh_postgres_database() as database_url:
        shared = {
            "sandbox_url": sandbox.control_url,
            "demo_activity_s": 0,
            "database_url": database_url,
            "token_key": Fernet.generate_key().decode(),
        }
        one = Settings(**shared, data_dir=str(tmp_path / "a"))
        two = Settings(**shared, data_dir=str(tmp_path / "b"))
        async with running_server(one) as first_url, running_server(two) as second_url:
            graphs = [Graph(first_url, http), Graph(second_url, http)]
            door = await _door(graphs[0])
            answers = await asyncio.gather(
                *(_unlock(graphs[i % 2], door, "replicas") for i in range(20))
            )
    assert await _unlocks(sandbox) == 1
    assert all(a == answers[0] for a in answers)
    assert answers[0]["__typename"] == "UnlockDoorSuccess"


def _attempt_key(global_id: str) -> str:
    return base64.b64decode(global_id).decode().split(":", 1)[1]


@pytest.mark.requires_postgres
async def test_with_the_database_gone_unlocks_are_refused_clearly_and_reads_go_on(
    sandbox: RunningSandbox, http: aiohttp.ClientSession, tmp_path: Path
) -> None:
    async with fresh_postgres_database() as database_url:
        settings = Settings(
            sandbox_url=sandbox.control_url,
            demo_activity_s=0,
            database_url=database_url,
            token_key=Fernet.generate_key().decode(),
            data_dir=str(tmp_path / "data"),
        )
        async with running_server(settings) as url:
            graph = Graph(url, http)
            door = await _door(graph)
            await _cut_off(database_url)
            try:
                refused = await _unlock(graph, door, "no-database")
                read = await graph.query(DOORS)
            finally:
                await _cut_off(database_url, allowed=True)
    assert refused["__typename"] == "ServiceUnavailableError"
    assert "nothing was sent" in refused["message"]
    assert await _unlocks(sandbox) == 0
    assert "errors" not in read
    assert building_of(read)["doors"]


async def _cut_off(database_url: str, *, allowed: bool = False) -> None:
    """Refuse (or allow again) connections to the database, dropping the open ones: an
    outage as the server sees it."""
    url = make_url(database_url)
    admin = create_async_engine(url.set(database="test"), isolation_level="AUTOCOMMIT")
    try:
        async with admin.connect() as connection:
            await connection.execute(
                sa.text(f'ALTER DATABASE "{url.database}" ALLOW_CONNECTIONS {str(allowed).lower()}')
            )
            if not allowed:
                await connection.execute(
                    sa.text(
                        "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                        "WHERE datname = :name AND pid <> pg_backend_pid()"
                    ),
                    {"name": url.database},
                )
    finally:
        await admin.dispose()
