"""Reading ButterflyMX's four error shapes into a message and field errors.

    {"errors": [{"title", "detail", "source": {"pointer" | "parameter"}}]}   v3 JSON:API
    {"error": "...", "error_description": "..."}                             OAuth, v4, PUT /v3/me
    {"errors": "Wrong password"}  /  {"errors": ["..."]}                     password change

404 details quote the SQL of the failed lookup (`Couldn't find Unit with 'id'=9 [WHERE
...]`); everything from ` [WHERE` on is cut before a message leaves this module.
"""

from __future__ import annotations

from typing import Any

from concierge.connectors.errors import FieldError

SQL_MARKER = " [WHERE"
ATTRIBUTE_POINTER = "/data/attributes/"
MAX_MESSAGE = 300  # a message is for logs and people, not a transcript of the body


def read_error(status: int, body: Any) -> tuple[str, list[FieldError]]:
    """(message, field errors) for any ButterflyMX error body; never SQL, never the token."""
    if isinstance(body, dict):
        errors = body.get("errors")
        if isinstance(errors, list) and errors:
            return _jsonapi(status, errors)
        if isinstance(errors, str):
            return _clean(errors), []
        if isinstance(body.get("error"), str):
            return _pair(body["error"], body.get("error_description")), []
    return f"HTTP {status}", []


def _pair(error: str, description: object) -> str:
    # The OAuth code leads ("invalid_grant: ..."): the token flows tell a refused grant
    # from a malformed request by it.
    if isinstance(description, str) and description:
        return _clean(f"{error}: {description}")
    return _clean(error)


def _jsonapi(status: int, errors: list[Any]) -> tuple[str, list[FieldError]]:
    messages: list[str] = []
    fields: list[FieldError] = []
    for entry in errors:
        if isinstance(entry, str):  # the password endpoint's list of full messages
            messages.append(_clean(entry))
            continue
        if not isinstance(entry, dict):
            continue
        detail = entry.get("detail") if isinstance(entry.get("detail"), str) else None
        title = entry.get("title") if isinstance(entry.get("title"), str) else None
        text = _clean(detail or title or f"HTTP {status}")
        field = _source_field(entry.get("source"))
        if field is not None:
            fields.append(FieldError(field, text))
            messages.append(f"{field} {text}")
        else:
            messages.append(text)
    return _clean("; ".join(messages) or f"HTTP {status}"), fields


def _source_field(source: object) -> str | None:
    """`/data/attributes/label` -> `label`; a query parameter keeps its own name."""
    if not isinstance(source, dict):
        return None
    pointer, parameter = source.get("pointer"), source.get("parameter")
    if isinstance(pointer, str):
        return pointer.removeprefix(ATTRIBUTE_POINTER) if pointer else None
    if isinstance(parameter, str):
        return parameter
    return None


def strip_sql(text: str) -> str:
    cut = text.find(SQL_MARKER)
    if cut < 0:
        return text
    # `Couldn't find Call with [WHERE ...]` would otherwise end in a dangling "with".
    return text[:cut].rstrip().removesuffix(" with")


def _clean(text: str) -> str:
    text = strip_sql(text).strip()
    return text if len(text) <= MAX_MESSAGE else text[: MAX_MESSAGE - 1] + "…"
