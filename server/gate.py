"""In front of `/graphql` over HTTP: body size (413), authentication (401), per-principal
rate limit (429 with Retry-After). The principal goes on to `get_context` in the scope."""

from __future__ import annotations

import math
import time
from collections.abc import Awaitable, Callable, MutableMapping
from typing import Any
from urllib.parse import parse_qs

import orjson
from starlette.datastructures import Headers

from concierge.resolvers.principals import Principal
from concierge.server.auth import Authenticator, AuthError

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]

PRINCIPAL = "concierge.principal"


class RateLimiter:
    """A token bucket per principal: `per_minute` requests, refilled continuously (per
    replica; several replicas each allow as much)."""

    def __init__(self, per_minute: int, clock: Callable[[], float] = time.monotonic) -> None:
        self.per_minute = per_minute
        self._clock = clock
        self._buckets: dict[str, tuple[float, float]] = {}  # principal -> (tokens, at)

    def take(self, who: str) -> float | None:
        """None when allowed; otherwise seconds until the next request would be."""
        if self.per_minute <= 0:
            return None
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


class GraphQLGate:
    def __init__(
        self,
        app: ASGIApp,
        authenticator: Callable[[], Authenticator | None],
        limiter: RateLimiter,
        max_body_bytes: int,
    ) -> None:
        self.app = app
        self._authenticator = authenticator
        self.limiter = limiter
        self.max_body_bytes = max_body_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        headers = Headers(scope=scope)
        if _ide_page(scope, headers):
            # The IDE's page is static; every operation it then sends carries the headers
            # its editor is given and passes this gate like any other.
            await self.app(scope, receive, send)
            return
        length = headers.get("content-length")
        if length is not None and length.isdigit() and int(length) > self.max_body_bytes:
            await _refuse(send, 413, "REQUEST_TOO_LARGE", self._too_large())
            return
        body, complete = await _read(receive, self.max_body_bytes)
        if not complete:
            await _refuse(send, 413, "REQUEST_TOO_LARGE", self._too_large())
            return
        authenticator = self._authenticator()
        if authenticator is None:
            await _refuse(send, 503, "STARTING", "The server is starting.")
            return
        try:
            principal: Principal = await authenticator.authenticate(headers)
        except AuthError as exc:
            await _refuse(
                send, 401, "UNAUTHENTICATED", str(exc), [(b"www-authenticate", b"Bearer")]
            )
            return
        wait = self.limiter.take(principal.id)
        if wait is not None:
            retry = str(max(1, math.ceil(wait))).encode()
            await _refuse(
                send,
                429,
                "RATE_LIMITED",
                f"Too many requests: at most {self.limiter.per_minute} a minute.",
                [(b"retry-after", retry)],
            )
            return
        scope.setdefault("state", {})[PRINCIPAL] = principal
        await self.app(scope, _replay(body, receive), send)

    def _too_large(self) -> str:
        return f"The request body is larger than {self.max_body_bytes} bytes."


def _ide_page(scope: Scope, headers: Headers) -> bool:
    """A browser asking for GraphiQL: a GET for HTML without an operation in it."""
    params = parse_qs(scope.get("query_string", b"").decode("latin-1"), keep_blank_values=True)
    return scope["method"] == "GET" and "text/html" in headers.get("accept", "") and not params


async def _read(receive: Receive, limit: int) -> tuple[bytes, bool]:
    chunks: list[bytes] = []
    size = 0
    while True:
        message = await receive()
        if message["type"] != "http.request":
            return b"".join(chunks), True
        chunk = message.get("body", b"")
        size += len(chunk)
        if size > limit:
            return b"", False
        chunks.append(chunk)
        if not message.get("more_body", False):
            return b"".join(chunks), True


def _replay(body: bytes, then: Receive) -> Receive:
    """The body already read, then the connection's own messages (its disconnect)."""
    sent = False

    async def receive() -> Message:
        nonlocal sent
        if not sent:
            sent = True
            return {"type": "http.request", "body": body, "more_body": False}
        return await then()

    return receive


async def _refuse(
    send: Send,
    status: int,
    code: str,
    message: str,
    extra: list[tuple[bytes, bytes]] | None = None,
) -> None:
    # A GraphQL-shaped body, so clients read the reason where they read every other error.
    body = orjson.dumps({"errors": [{"message": message, "extensions": {"code": code}}]})
    headers = [(b"content-type", b"application/json"), (b"content-length", str(len(body)).encode())]
    await send(
        {"type": "http.response.start", "status": status, "headers": headers + (extra or [])}
    )
    await send({"type": "http.response.body", "body": body})
