"""The retry policy's defaults are a product decision: changing them must be deliberate."""

import random

from concierge.connectors.policy import DEFAULT_RETRY, DEFAULT_TIMEOUTS, NO_RETRY, RetryPolicy


def test_retry_defaults_are_pinned() -> None:
    assert (
        RetryPolicy(
            attempts=4,
            base_delay=0.1,
            max_delay=2.0,
            max_wait=10.0,
            budget=20.0,
            statuses=frozenset({429, 502, 503, 504}),
        )
        == DEFAULT_RETRY
    )
    assert NO_RETRY.attempts == 1
    assert (DEFAULT_TIMEOUTS.connect, DEFAULT_TIMEOUTS.total) == (3.0, 10.0)


def test_backoff_grows_exponentially_with_jitter_and_a_ceiling() -> None:
    rng = random.Random(1)
    for attempt, ceiling in [(1, 0.1), (2, 0.2), (3, 0.4), (4, 0.8), (5, 1.6), (6, 2.0), (9, 2.0)]:
        delays = [DEFAULT_RETRY.backoff(attempt, rng) for _ in range(50)]
        assert all(ceiling / 2 <= d <= ceiling for d in delays)
        assert len(set(delays)) > 1
