"""Reading Butlr's error body, `{"message": "..."}`, into a message.

Butlr (behind AWS API Gateway) says little: "Invalid request" (400), "Unauthorized"
(401), "Not Found" (404), or the status's phrase. There are no field errors to report.
"""

from __future__ import annotations

from typing import Any

from concierge.connectors.errors import FieldError

MAX_MESSAGE = 300  # a message is for logs and people, not a transcript of the body


def read_error(status: int, body: Any) -> tuple[str, list[FieldError]]:
    """(message, no field errors) for any Butlr error body."""
    if isinstance(body, dict):
        message = body.get("message")
        if isinstance(message, str) and message.strip():
            return _clip(message), []
    return f"HTTP {status}", []


def _clip(text: str) -> str:
    text = text.strip()
    return text if len(text) <= MAX_MESSAGE else text[: MAX_MESSAGE - 1] + "…"
