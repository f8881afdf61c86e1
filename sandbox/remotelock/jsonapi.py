"""Request bodies and response documents in RemoteLock's JSON conventions."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from aiohttp import web

from concierge.sandbox.remotelock.errors import ApiError, json_response

MOUNT = "/remotelock"


def api_base(request: web.Request) -> str:
    """Links' base URL, from the request's own host and API prefix (`/api` or `/api/v1`)."""
    relative = request.path[len(MOUNT) :]
    prefix = "/api/v1" if relative.startswith("/api/v1/") or relative == "/api/v1" else "/api"
    return f"{request.scheme}://{request.host}{MOUNT}{prefix}"


@dataclass
class Body:
    """A request body: `{"type": ..., "attributes": {...}}` (RemoteLock has no `data` wrapper)."""

    type: str | None
    attributes: dict[str, Any]


def _is_json_type(content_type: str) -> bool:
    return content_type == "application/json" or (
        content_type.startswith("application/") and content_type.endswith("+json")
    )


async def read_body(request: web.Request) -> Body:
    """Parse a POST/PUT body; an empty body reads as no attributes.

    Attributes a resource does not take are ignored, as Rails' strong parameters do.
    """
    raw = await request.read()
    if not raw.strip():
        # Reference silent: action PUTs (lock, deactivate) are sent without a body; we accept
        # an empty body with any content type, and require JSON only when there is a body.
        return Body(None, {})
    if not _is_json_type(request.content_type):
        raise ApiError(
            415,
            "The request body must be JSON with the header Content-Type: application/json",
            "unsupported_media_type",
        )
    try:
        parsed = json.loads(raw)
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise ApiError(400, f"The request body is not valid JSON: {exc}", "bad_request") from exc
    if not isinstance(parsed, dict):
        raise ApiError(400, "The request body must be a JSON object", "bad_request")
    kind = parsed.get("type")
    attributes = parsed.get("attributes", {})
    if kind is not None and not isinstance(kind, str):
        raise ApiError(400, "`type` must be a string", "bad_request")
    if attributes is None:
        attributes = {}
    if not isinstance(attributes, dict):
        raise ApiError(400, "`attributes` must be a JSON object", "bad_request")
    return Body(kind, attributes)


def one(resource: dict[str, Any], status: int = 200) -> web.Response:
    return json_response({"data": resource}, status)


def no_content() -> web.Response:
    return web.Response(status=204)
