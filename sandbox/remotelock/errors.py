"""RemoteLock's two error shapes, and the exceptions handlers raise to produce them.

ApiError            general error: {"message": ..., "type": ...} with any status
├── RateLimitedError  429 with the documented body (message only) and X-RateLimit-* headers
└── ResourceError     422 resource error: {"attributes": <echo>, "errors": [...]}
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

from aiohttp import web


def json_response(
    body: Any, status: int = 200, headers: dict[str, str] | None = None
) -> web.Response:
    """A JSON response; RemoteLock answers `application/json` whatever vendor type was asked for."""
    # Reference silent: the response media type is never shown; we answer application/json.
    return web.Response(
        text=json.dumps(body), status=status, headers=headers, content_type="application/json"
    )


class ApiError(Exception):
    """A general error: application-wide, not tied to one attribute of a resource."""

    def __init__(
        self, status: int, message: str, error_type: str, headers: dict[str, str] | None = None
    ) -> None:
        super().__init__(message)
        self.status = status
        self.message = message
        self.error_type = error_type
        self.headers = dict(headers or {})

    def body(self) -> dict[str, Any]:
        return {"message": self.message, "type": self.error_type}

    def response(self) -> web.Response:
        return json_response(self.body(), self.status, self.headers)


RATE_LIMIT_MESSAGE = "Your account has exceeded the rate limit. Check the X-RateLimit-* headers."


class RateLimitedError(ApiError):
    def __init__(self, headers: dict[str, str]) -> None:
        super().__init__(429, RATE_LIMIT_MESSAGE, "rate_limited", headers)

    def body(self) -> dict[str, Any]:
        # The documented 429 body has a message and nothing else.
        return {"message": self.message}


def not_found(kind: str = "Resource") -> ApiError:
    # Reference silent: no 404 body is documented; we use the general-error shape.
    return ApiError(404, f"{kind} not found", "not_found")


def bad_parameter(message: str) -> ApiError:
    # Reference silent: bad query parameters get 400 in the general-error shape.
    return ApiError(400, message, "invalid_parameter")


@dataclass
class FieldError:
    attribute: str | None
    messages: list[str]

    def render(self) -> dict[str, Any]:
        full = [m if self.attribute is None else f"{self.attribute} {m}" for m in self.messages]
        return {"attribute": self.attribute, "messages": self.messages, "full_messages": full}


@dataclass
class ResourceError(Exception):
    """422 with the submitted attributes echoed and one entry per failing attribute."""

    attributes: dict[str, Any]
    errors: list[FieldError] = field(default_factory=list)

    def response(self) -> web.Response:
        # Reference silent: resource errors have no documented status; we use 422.
        body = {"attributes": self.attributes, "errors": [e.render() for e in self.errors]}
        return json_response(body, 422)


class Problems:
    """Collects attribute errors while a handler validates a body, then raises them together."""

    def __init__(self, attributes: dict[str, Any]) -> None:
        self.attributes = attributes
        self._errors: dict[str | None, list[str]] = {}

    def add(self, attribute: str | None, message: str) -> None:
        self._errors.setdefault(attribute, []).append(message)

    def __bool__(self) -> bool:
        return bool(self._errors)

    def raise_if_any(self) -> None:
        if self._errors:
            errors = [FieldError(a, m) for a, m in self._errors.items()]
            raise ResourceError(self.attributes, errors)


def single(attributes: dict[str, Any], attribute: str | None, message: str) -> ResourceError:
    return ResourceError(attributes, [FieldError(attribute, [message])])
