"""Webhook ingress routes: verify the secret, parse, answer at once, publish in the background.

`/webhooks/butterflymx/<token>` (the integration URL carries our secret token) and
`/webhooks/remotelock` (`X-Secret`); both compared in constant time by the connectors.
A wrong secret is 401 and nothing is read further; a body over `webhook_max_body_bytes`
413; a body we cannot parse 400; each bad delivery is logged once, without secrets.
RemoteLock wants a 2xx within 3 s, so the store claim, the follow-up read and the publish
run in the server's task group after the answer.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Coroutine
from typing import Any, TypeVar

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from concierge.connectors.butterflymx import webhooks as bmx
from concierge.connectors.errors import VendorProtocolError
from concierge.connectors.remotelock import webhooks as rl
from concierge.resolvers.ingress import Ingress

log = logging.getLogger(__name__)
P = TypeVar("P")  # a parsed delivery


class BodyTooLargeError(Exception):
    pass


async def _body(request: Request, limit: int) -> bytes:
    declared = request.headers.get("content-length")
    if declared is not None and declared.isdigit() and int(declared) > limit:
        raise BodyTooLargeError
    body = bytearray()
    async for chunk in request.stream():
        body += chunk
        if len(body) > limit:
            raise BodyTooLargeError
    return bytes(body)


def _refused(vendor: str, status: int, reason: str) -> Response:
    log.warning("webhook from %s refused (%d): %s", vendor, status, reason)
    return JSONResponse({"error": reason}, status_code=status)


def webhook_routes(
    ingress: Callable[[], Ingress | None],
    start: Callable[[Coroutine[Any, Any, bool], str], None],
    *,
    secret: str,
    max_body_bytes: int,
    counted: Callable[[str, str], None] = lambda vendor, outcome: None,
) -> list[Route]:
    """The two routes; `ingress()` is None until the lifespan has built the services.
    `counted(vendor, outcome)` hears each delivery's fate: refused with its status (401,
    400, 413, 503), then for one accepted, `published` or `duplicate` once handled."""

    def refused(vendor: str, status: int, reason: str) -> Response:
        counted(vendor, str(status))
        return _refused(vendor, status, reason)

    async def handled(vendor: str, work: Coroutine[Any, Any, bool]) -> bool:
        published = await work
        counted(vendor, "published" if published else "duplicate")
        return published

    async def accept(
        vendor: str,
        request: Request,
        parse: Callable[[bytes], P],
        handle: Callable[[Ingress, P], Coroutine[Any, Any, bool]],
        event_id: Callable[[P], str],
    ) -> Response:
        """Read and parse a verified delivery, answer 202, and handle it in the background."""
        try:
            parsed = parse(await _body(request, max_body_bytes))
        except BodyTooLargeError:
            return refused(vendor, 413, f"body over {max_body_bytes} bytes")
        except VendorProtocolError as exc:
            return refused(vendor, 400, exc.message)
        target = ingress()
        if target is None:
            counted(vendor, "503")
            return JSONResponse({"error": "starting"}, status_code=503)
        start(handled(vendor, handle(target, parsed)), f"{vendor} webhook {event_id(parsed)}")
        return JSONResponse({"accepted": event_id(parsed)}, status_code=202)

    async def butterflymx(request: Request) -> Response:
        token = request.path_params["token"]
        try:
            bmx.verify_url_token(token, secret)
        except bmx.WebhookVerificationError:
            return refused("butterflymx", 401, "unknown webhook URL")
        query = dict(request.query_params)
        return await accept(
            "butterflymx",
            request,
            lambda body: bmx.parse_webhook(
                body, url_token=token, expected_token=secret, query=query
            ),
            Ingress.butterflymx,
            lambda parsed: parsed.event_id,
        )

    async def remotelock(request: Request) -> Response:
        try:
            rl.verify_secret(request.headers, secret)
        except rl.WebhookVerificationError:
            return refused("remotelock", 401, f"missing or wrong {rl.SECRET_HEADER}")
        form = "form" in request.headers.get("content-type", "")
        return await accept(
            "remotelock",
            request,
            lambda body: rl.parse_webhook(
                body, request.headers, secret=secret, content_type="form" if form else "json"
            ),
            Ingress.remotelock,
            lambda parsed: parsed.id,
        )

    return [
        Route("/webhooks/butterflymx/{token}", butterflymx, methods=["GET", "POST"]),
        Route("/webhooks/remotelock", remotelock, methods=["POST"]),
    ]
