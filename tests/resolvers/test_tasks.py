"""The lifespan's task group: independent tasks, all stopped on close, none started after."""

from __future__ import annotations

import asyncio

import pytest

from concierge.resolvers.tasks import BackgroundTasks


async def test_one_failing_task_cancels_no_other_and_close_stops_the_rest() -> None:
    tasks = BackgroundTasks()

    async def fails() -> None:
        raise LookupError("a prefetch that failed: its awaiter reports it")

    forever = tasks.start(asyncio.sleep(3600), name="poller")
    failed = tasks.start(fails())
    await asyncio.sleep(0.01)
    assert failed.done()
    assert not forever.done()
    assert len(tasks) == 1
    await tasks.close()
    assert forever.cancelled()
    assert len(tasks) == 0


async def test_no_background_work_starts_once_the_server_is_stopping() -> None:
    tasks = BackgroundTasks()
    await tasks.close()
    with pytest.raises(RuntimeError, match="stopping"):
        tasks.start(asyncio.sleep(0))
