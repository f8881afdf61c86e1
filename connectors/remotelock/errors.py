"""Reading RemoteLock's error bodies and rate-limit headers.

    {"attributes": <echo>, "errors": [{"attribute", "messages", "full_messages"}]}  resource (422)
    {"message": "...", "type": "not_found"}                                          general
    {"message": "Your account has exceeded the rate limit. ..."}                     429
    {"error": "invalid_grant", "error_description": "..."}                           OAuth host

A resource error echoes the submitted attributes, PINs included: the echo never leaves
this module, only the attribute names and Rails' messages do.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from concierge.connectors.errors import FieldError
from concierge.connectors.http import retry_after_header
from concierge.connectors.remotelock.config import RATE_WINDOW_S

MAX_MESSAGE = 300  # a message is for logs and people, not a transcript of the body


def read_error(status: int, body: Any) -> tuple[str, list[FieldError]]:
    """(message, field errors) for any RemoteLock error body."""
    if not isinstance(body, dict):
        return f"HTTP {status}", []
    errors = body.get("errors")
    if isinstance(errors, list) and errors:
        return _resource_errors(status, errors)
    if isinstance(body.get("error"), str):
        # The OAuth code leads ("invalid_grant: ..."): the token flows tell a refused grant
        # from a malformed request by it.
        description = body.get("error_description")
        text = f"{body['error']}: {description}" if isinstance(description, str) else body["error"]
        return _clip(text), []
    if isinstance(body.get("message"), str):
        kind = body.get("type")
        text = f"{body['message']} ({kind})" if isinstance(kind, str) else body["message"]
        return _clip(text), []
    return f"HTTP {status}", []


def _resource_errors(status: int, errors: list[Any]) -> tuple[str, list[FieldError]]:
    messages: list[str] = []
    fields: list[FieldError] = []
    for entry in errors:
        if not isinstance(entry, dict):
            continue
        attribute = entry.get("attribute") if isinstance(entry.get("attribute"), str) else None
        said = [m for m in entry.get("messages") or [] if isinstance(m, str)]
        text = _clip("; ".join(said) or "is invalid")
        fields.append(FieldError(attribute, text))
        messages.append(text if attribute is None else f"{attribute} {text}")
    return _clip("; ".join(messages) or f"HTTP {status}"), fields


def read_wait(headers: Mapping[str, str], now: float) -> float | None:
    """Seconds to wait after a 429: `Retry-After`, else `X-RateLimit-Reset` (epoch seconds)."""
    wait = retry_after_header(headers, now)
    if wait is not None:
        return wait
    raw = headers.get("X-RateLimit-Reset")
    if raw is None:
        return None
    try:
        reset = float(raw)
    except ValueError:
        return None
    # Decision: a reset further away than one window means our clocks disagree; the window
    # is a minute long, so never wait longer than that.
    return min(max(0.0, reset - now), RATE_WINDOW_S)


def _clip(text: str) -> str:
    text = text.strip()
    return text if len(text) <= MAX_MESSAGE else text[: MAX_MESSAGE - 1] + "…"
