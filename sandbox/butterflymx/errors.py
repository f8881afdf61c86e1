"""ButterflyMX error bodies, and the sub-app middleware that renders every failure in them.

    ButterflyMXError                 an error that knows its own response
     +-- JsonApiError                v3: {"errors": [...]} as application/vnd.api+json
     +-- PlainError                  v4 and PUT /v3/me: {"error", "error_description"}
     +-- OAuthError                  accounts host: {"error", "error_description"} (Doorkeeper)

The three shapes follow the reference: JSON:API `errors[]` for v3 resources, the
OAuth-like pair for the token endpoint and for `PUT /v3/me`, and (our decision)
that same pair for v4, which documents no errors at all.
"""

from __future__ import annotations

import json
from collections.abc import Awaitable, Callable, Iterable
from typing import Any

from aiohttp import web

JSONAPI_TYPE = "application/vnd.api+json"
JSONAPI_CONTENT_TYPE = f"{JSONAPI_TYPE}; charset=utf-8"

Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]


class ButterflyMXError(Exception):
    """An expected failure rendered in the vendor's shape by `error_middleware`."""

    def __init__(self, status: int, body: dict[str, Any], headers: dict[str, str] | None = None):
        super().__init__(f"{status}: {body}")
        self.status = status
        self.body = body
        self.headers = headers or {}

    content_type = "application/json"

    def response(self) -> web.Response:
        return web.Response(
            status=self.status,
            body=json.dumps(self.body).encode(),
            headers={"Content-Type": f"{self.content_type}; charset=utf-8", **self.headers},
        )


class JsonApiError(ButterflyMXError):
    content_type = JSONAPI_TYPE

    def __init__(
        self, status: int, errors: list[dict[str, Any]], headers: dict[str, str] | None = None
    ) -> None:
        super().__init__(status, {"errors": errors}, headers)


class PlainError(ButterflyMXError):
    # Reference silent on v4 errors: we reuse the pair `PUT /v3/me` documents.
    def __init__(
        self, status: int, error: str, description: str, headers: dict[str, str] | None = None
    ) -> None:
        super().__init__(status, {"error": error, "error_description": description}, headers)


class OAuthError(ButterflyMXError):
    def __init__(
        self, status: int, error: str, description: str, headers: dict[str, str] | None = None
    ) -> None:
        super().__init__(
            status,
            {"error": error, "error_description": description},
            {"Cache-Control": "no-store", "Pragma": "no-cache", **(headers or {})},
        )


def validation_error(problems: Iterable[tuple[str, str]]) -> JsonApiError:
    """400 with one entry per (attribute pointer, message), as the reference's validations."""
    return JsonApiError(
        400,
        [
            {
                "source": {
                    "pointer": pointer if pointer.startswith("/") else f"/data/attributes/{pointer}"
                },
                "detail": detail,
            }
            for pointer, detail in problems
        ],
    )


def parameter_error(parameter: str, detail: str) -> JsonApiError:
    # Reference silent on query-parameter errors: we answer 400 with JSON:API `source.parameter`.
    return JsonApiError(400, [{"source": {"parameter": parameter}, "detail": detail}])


def not_found(model: str, record_id: object, where: str) -> JsonApiError:
    """The reference's 404, SQL fragment included (clients must not show it to people)."""
    ident = f" with 'id'={record_id}" if record_id is not None else ""
    return JsonApiError(
        404,
        [{"title": "Record not found", "detail": f"Couldn't find {model}{ident} [WHERE {where}]"}],
    )


def forbidden(detail: str = "You are not authorized to perform this action.") -> JsonApiError:
    # Reference silent on 403: a JSON:API error with a title, like the documented 404.
    return JsonApiError(403, [{"title": "Forbidden", "detail": detail}])


_TITLES = {
    400: "Bad Request",
    401: "Unauthorized",
    403: "Forbidden",
    404: "Not Found",
    405: "Method Not Allowed",
    406: "Not Acceptable",
    409: "Conflict",
    413: "Payload Too Large",
    415: "Unsupported Media Type",
    422: "Unprocessable Entity",
    429: "Too Many Requests",
    500: "Internal Server Error",
    502: "Bad Gateway",
    503: "Service Unavailable",
    504: "Gateway Timeout",
}


def title_for(status: int) -> str:
    return _TITLES.get(status, "Error")


def fault_response(status: int, retry_after: int | None) -> web.Response:
    """An injected failure: a JSON:API error (the API's dominant shape) with Retry-After."""
    # Reference silent on 429/5xx bodies: a JSON:API error with a title and a detail.
    headers = {"Retry-After": str(retry_after)} if retry_after is not None else {}
    detail = (
        "Rate limit exceeded, retry later"
        if status == 429
        else "The service is temporarily unable to handle the request"
    )
    return JsonApiError(
        status, [{"title": title_for(status), "detail": detail}], headers
    ).response()


def _routing_error(request: web.Request, exc: web.HTTPException) -> ButterflyMXError:
    """404/405 from the router, rendered in the shape of the part of the API that was hit."""
    # Reference silent on unknown routes and methods: Rails' routing message, area-shaped.
    relative = request.path.split("/butterflymx", 1)[-1]
    headers = {"Allow": exc.headers["Allow"]} if "Allow" in exc.headers else {}
    if exc.status == 405:
        detail = f"{request.method} is not allowed on {relative}"
    else:
        detail = f'No route matches [{request.method}] "{relative}"'
    if relative.startswith("/api/v3"):
        return JsonApiError(
            exc.status, [{"title": title_for(exc.status), "detail": detail}], headers
        )
    if relative.startswith("/accounts"):
        return OAuthError(
            exc.status, "not_found" if exc.status == 404 else "method_not_allowed", detail, headers
        )
    return PlainError(exc.status, title_for(exc.status), detail, headers)


@web.middleware
async def error_middleware(request: web.Request, handler: Handler) -> web.StreamResponse:
    """Vendor-shaped bodies for our own errors and for routing/parsing errors from aiohttp."""
    try:
        return await handler(request)
    except ButterflyMXError as exc:
        return exc.response()
    except web.HTTPException as exc:
        if exc.status < 400:
            raise  # redirects are answers, not errors
        return _routing_error(request, exc).response()
