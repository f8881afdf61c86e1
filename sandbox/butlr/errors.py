"""Butlr's error body (`{"message": ...}`) and the middleware that renders every failure in it."""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable, Iterable
from http import HTTPStatus

from aiohttp import web

log = logging.getLogger(__name__)

INVALID_REQUEST = "Invalid request"
UNAUTHORIZED = "Unauthorized"
# Reference silent/contradictory: no 404 body is documented; we answer like the AWS API
# Gateway the documented "Unauthorized"/"Invalid request" bodies come from.
NOT_FOUND = "Not Found"
DETAIL_HEADER = "X-Sandbox-Detail"  # why a 400 happened; the body stays the vendor's


class ButlrError(Exception):
    """A failure to answer as `{"message": message}` with `status`."""

    def __init__(self, status: int, message: str, detail: str = "") -> None:
        super().__init__(f"{status} {message}: {detail}" if detail else f"{status} {message}")
        self.status = status
        self.message = message
        self.detail = detail


def invalid(detail: str) -> ButlrError:
    """400 Invalid request; `detail` only travels in a sandbox header, never in the body."""
    return ButlrError(400, INVALID_REQUEST, detail)


def not_found(what: str) -> ButlrError:
    return ButlrError(404, NOT_FOUND, what)


def unauthorized(detail: str = "") -> ButlrError:
    return ButlrError(401, UNAUTHORIZED, detail)


def reject_unknown_keys(fields: Iterable[str], allowed: Iterable[str], where: str) -> None:
    unknown = sorted(set(fields) - set(allowed))
    if unknown:
        raise invalid(f"unknown {where}: {', '.join(map(str, unknown))}")


def error_response(
    status: int, message: str, *, detail: str = "", headers: dict[str, str] | None = None
) -> web.Response:
    extra = dict(headers or {})
    if detail:
        # Client text can end up in the detail; keep the header printable ASCII.
        printable = "".join(c if " " <= c <= "~" else "?" for c in detail)
        extra[DETAIL_HEADER] = printable[:300]
    return web.json_response({"message": message}, status=status, headers=extra)


def message_for(status: int) -> str:
    """The message Butlr (behind API Gateway) puts in an error body of this status."""
    if status == 400:
        return INVALID_REQUEST
    if status in (401, 403):
        return UNAUTHORIZED
    if status == 404:
        return NOT_FOUND
    try:
        return HTTPStatus(status).phrase
    except ValueError:
        return "Error"


Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]


@web.middleware
async def error_middleware(request: web.Request, handler: Handler) -> web.StreamResponse:
    """Render our errors and aiohttp's (404, 405, 413, ...) as Butlr error bodies."""
    try:
        return await handler(request)
    except ButlrError as exc:
        if exc.detail:
            log.debug("butlr %s %s -> %s", request.method, request.path, exc)
        return error_response(exc.status, exc.message, detail=exc.detail)
    except web.HTTPException as exc:
        if exc.status < 400:
            raise
        headers: dict[str, str] = {}
        if isinstance(exc, web.HTTPMethodNotAllowed):
            headers["Allow"] = ",".join(sorted(exc.allowed_methods))
        return error_response(exc.status, message_for(exc.status), headers=headers)
