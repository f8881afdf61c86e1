"""Per-principal rate limits: a token bucket per principal, `per_minute` requests and
operations, refilled continuously; HTTP requests (SSE included) take from it at the gate
(`server.gate`), WebSocket operations in `OperationRateLimit`.

With Redis (`redis_url`) the buckets live there, one per principal for every replica
(an atomic script; Redis's clock, so replicas' clocks do not matter). When Redis cannot
answer, each replica falls back to its own buckets: a limit per replica for a while,
rather than refusing or failing every request.
"""

from __future__ import annotations

import logging
import math
import time
from collections.abc import AsyncIterator, Callable
from typing import Any

from graphql import GraphQLError
from redis.asyncio import Redis
from redis.exceptions import RedisError
from strawberry.extensions import SchemaExtension
from strawberry.types.graphql import OperationType

from concierge.resolvers.context import RequestContext
from concierge.resolvers.principals import DEMO

log = logging.getLogger(__name__)

RATE_LIMITED = "RATE_LIMITED"

# KEYS[1]: the bucket; ARGV: capacity, tokens per second. Returns "" when allowed, else
# the seconds until one token is back (as text: Lua numbers come back as integers).
_TAKE = """
local capacity = tonumber(ARGV[1])
local rate = tonumber(ARGV[2])
local clock = redis.call('TIME')
local now = tonumber(clock[1]) + tonumber(clock[2]) / 1000000
local state = redis.call('HMGET', KEYS[1], 'tokens', 'at')
local tokens = tonumber(state[1]) or capacity
local at = tonumber(state[2]) or now
tokens = math.min(capacity, tokens + math.max(0, now - at) * rate)
local wait = ''
if tokens < 1 then
  wait = tostring((1 - tokens) / rate)
else
  tokens = tokens - 1
end
redis.call('HSET', KEYS[1], 'tokens', tostring(tokens), 'at', tostring(now))
redis.call('EXPIRE', KEYS[1], math.ceil(capacity / rate) + 1)
return wait
"""


class RateLimiter:
    def __init__(
        self,
        per_minute: int,
        clock: Callable[[], float] = time.monotonic,
        namespace: str = "concierge",
    ) -> None:
        self.per_minute = per_minute
        self._clock = clock
        self._buckets: dict[str, tuple[float, float]] = {}  # principal -> (tokens, at)
        self._redis: Redis | None = None
        self._prefix = f"{namespace}:ratelimit:"
        self._redis_failing = False

    def share(self, redis: Redis | None) -> None:
        """Keep the buckets in `redis` (None: in this process again)."""
        self._redis = redis

    async def take(self, who: str) -> float | None:
        """None when allowed; otherwise seconds until the next request would be."""
        if self.per_minute <= 0:
            return None
        if self._redis is not None:
            try:
                answer = await self._redis.eval(  # type: ignore[misc]
                    _TAKE, 1, self._prefix + who, str(self.per_minute), str(self.per_minute / 60)
                )
            except (RedisError, OSError) as exc:
                if not self._redis_failing:
                    log.warning("rate limits fall back to this replica's own: Redis %s", exc)
                self._redis_failing = True
            else:
                if self._redis_failing:
                    log.info("rate limits are shared through Redis again")
                self._redis_failing = False
                text = answer.decode() if isinstance(answer, bytes) else str(answer or "")
                return float(text) if text else None
        return self._take_here(who)

    def _take_here(self, who: str) -> float | None:
        rate = self.per_minute / 60.0
        now = self._clock()
        tokens, at = self._buckets.get(who, (float(self.per_minute), now))
        tokens = min(float(self.per_minute), tokens + (now - at) * rate)
        if tokens < 1.0:
            self._buckets[who] = (tokens, now)
            return (1.0 - tokens) / rate
        self._buckets[who] = (tokens - 1.0, now)
        if len(self._buckets) > 100_000:  # forget idle principals rather than grow forever
            self._buckets.clear()
        return None

    def refusal(self) -> str:
        return f"Too many requests: at most {self.per_minute} a minute."


def retry_after(wait: float) -> int:
    """`Retry-After` in whole seconds, at least one."""
    return max(1, math.ceil(wait))


async def operation_refused(limiter: RateLimiter, context: object) -> GraphQLError | None:
    """The refusal of one WebSocket operation past its principal's budget, or None."""
    # Not the demo principal: it is every unauthenticated client of the embedded demo at
    # once, so one client's subscriptions would refuse everyone's (its HTTP requests stay
    # limited at the gate).
    if (
        not isinstance(context, RequestContext)
        or not context.operations_rate_limited
        or context.principal == DEMO.id
    ):
        return None
    wait = await limiter.take(context.principal)
    if wait is None:
        return None
    # This operation's error; the connection and its other operations go on.
    return GraphQLError(
        limiter.refusal(), extensions={"code": RATE_LIMITED, "retryAfter": retry_after(wait)}
    )


class _OperationRateLimit(SchemaExtension):
    limiter: RateLimiter

    async def on_execute(self) -> AsyncIterator[None]:
        # A subscription took from the budget when it subscribed (`server.shared_ws`): a
        # shared feed's executions serve many principals and are nobody's to pay for.
        if self.execution_context.operation_type != OperationType.SUBSCRIPTION:
            refused = await operation_refused(self.limiter, self.execution_context.context)
            if refused is not None:
                raise refused
        yield


def operation_rate_limit(limiter: RateLimiter) -> type[SchemaExtension]:
    """The extension that makes each WebSocket operation take from `limiter`."""
    attributes: dict[str, Any] = {"limiter": limiter}
    return type("OperationRateLimit", (_OperationRateLimit,), attributes)
