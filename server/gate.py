"""In front of `/graphql` over HTTP: body size (413), authentication (401), per-principal
rate limit (429 with Retry-After; `server.ratelimit`). The principal goes on to
`get_context` in the scope."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, MutableMapping
from typing import Any
from urllib.parse import parse_qs

import orjson
from starlette.datastructures import Headers

from concierge.resolvers.principals import Principal
from concierge.server.auth import Authenticator, AuthError
from concierge.server.ratelimit import RATE_LIMITED, RateLimiter, retry_after

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]

PRINCIPAL = "concierge.principal"


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
        wait = await self.limiter.take(principal.id)
        if wait is not None:
            retry = str(retry_after(wait)).encode()
            await _refuse(
                send, 429, RATE_LIMITED, self.limiter.refusal(), [(b"retry-after", retry)]
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
