"""Form bodies on the accounts host: urlencoded or multipart (both documented), or JSON."""

from __future__ import annotations

import json

from aiohttp import web

from concierge.sandbox.butterflymx.errors import OAuthError


async def read_form(request: web.Request) -> dict[str, str]:
    """Token and form bodies: urlencoded or multipart (both documented), or JSON."""
    if request.content_type == "application/json":
        try:
            body = json.loads(await request.read())
        except (ValueError, UnicodeDecodeError):
            raise OAuthError(
                400, "invalid_request", "The request body is not valid JSON."
            ) from None
        if not isinstance(body, dict):
            raise OAuthError(400, "invalid_request", "The request body must be an object.")
        return {str(k): str(v) for k, v in body.items() if v is not None}
    if request.content_type not in ("application/x-www-form-urlencoded", "multipart/form-data"):
        if request.can_read_body:
            raise OAuthError(
                400,
                "invalid_request",
                "Send the parameters as application/x-www-form-urlencoded or multipart/form-data.",
            )
        return {}
    try:
        form = await request.post()
    except ValueError as exc:
        raise OAuthError(400, "invalid_request", f"Malformed form body: {exc}") from exc
    return {k: v for k, v in form.items() if isinstance(v, str)}
