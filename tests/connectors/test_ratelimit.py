"""The rolling-window limiter: slots taken at once when free, never past the limit."""

from __future__ import annotations

import asyncio

from concierge.connectors.ratelimit import RateLimiter


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def test_a_free_slot_is_taken_at_once_and_a_full_window_refuses() -> None:
    clock = Clock()
    limiter = RateLimiter(2, 60.0, clock=clock)

    assert limiter.try_acquire()
    assert limiter.try_acquire()
    assert not limiter.try_acquire()
    assert limiter.in_window == 2

    clock.now += 60.0  # the first two leave the window
    assert limiter.try_acquire()


def test_a_pause_after_429_refuses_until_it_ends() -> None:
    clock = Clock()
    limiter = RateLimiter(10, 60.0, clock=clock)
    limiter.pause(5.0)

    assert not limiter.try_acquire()
    clock.now += 5.0
    assert limiter.try_acquire()


async def test_nobody_jumps_the_queue_of_a_caller_waiting_for_a_slot() -> None:
    limiter = RateLimiter(1, 0.2)
    assert limiter.try_acquire()
    waiting = asyncio.ensure_future(limiter.acquire())
    await asyncio.sleep(0.05)  # the waiter holds the queue while the window is full

    assert not limiter.try_acquire()
    await asyncio.wait_for(waiting, 1.0)
    assert limiter.in_window == 1
