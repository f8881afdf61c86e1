"""Incoming RemoteLock webhooks: verify `X-Secret`, then parse `{"data": <event>}`.

RemoteLock signs nothing: every delivery carries the subscriber's shared secret in the
`X-Secret` header, compared here in constant time. Deliveries are at-least-once and
retried hourly for 72 hours until answered 2xx within 3 seconds, so the ingress should
verify, parse, enqueue and answer at once, and de-duplicate by `event.id`.

`content_type` is what the subscriber was created with: `json` (what we create) or
`form`, whose encoding the reference leaves undocumented; we read Rack-style nested
fields (`data[attributes][pin]=1234`, null as an empty string), as the sandbox sends.
"""

from __future__ import annotations

import hmac
import json
import re
from collections.abc import Mapping
from typing import Any, Literal
from urllib.parse import parse_qsl

from concierge.connectors.errors import VendorAuthError, VendorProtocolError
from concierge.connectors.remotelock.config import VENDOR
from concierge.connectors.remotelock.events import Event, parse_event

SECRET_HEADER = "X-Secret"
ContentType = Literal["json", "form"]
_FORM_KEY = re.compile(r"^([^\[\]]+)((?:\[[^\[\]]*\])*)$")
_BRACKETS = re.compile(r"\[([^\[\]]*)\]")


# Both errors sit in the `VendorError` tree (connectors raise nothing else) under their own
# kinds, so the ingress can answer 401 and 400 without mistaking them for our own auth.
class WebhookVerificationError(VendorAuthError):
    """The delivery did not carry our secret: not from RemoteLock (answer 401)."""

    kind = "webhook_unverified"


class WebhookPayloadError(VendorProtocolError):
    """The delivery was authentic but its body is not an event we can read (answer 400)."""

    kind = "webhook_payload"


def parse_webhook(
    body: bytes,
    headers: Mapping[str, str],
    *,
    secret: str,
    content_type: ContentType = "json",
) -> Event:
    """The event a verified delivery carries; raises before parsing if the secret is wrong."""
    if not secret:
        raise ValueError("remotelock webhook secret is required")
    if content_type not in ("json", "form"):
        raise ValueError("remotelock webhook content_type must be 'json' or 'form'")
    verify_secret(headers, secret)
    document = _decode_form(body) if content_type == "form" else _decode_json(body)
    if not isinstance(document, dict):
        raise _payload("webhook body should be an object")
    if "data" not in document:
        raise _payload("webhook body: missing field 'data'")
    try:
        return parse_event(document["data"], "webhook.data", lenient=content_type == "form")
    except VendorProtocolError as exc:
        raise _payload(exc.message) from exc


def verify_secret(headers: Mapping[str, str], secret: str) -> None:
    """Constant-time check of `X-Secret`; missing or different raises the same error."""
    presented = _header(headers, SECRET_HEADER)
    # Compared even when missing, so a missing header costs the same as a wrong one.
    matches = hmac.compare_digest((presented or "").encode(), secret.encode())
    if presented is None or not matches:
        raise WebhookVerificationError(
            f"webhook without a valid {SECRET_HEADER} header", vendor=VENDOR, status=401
        )


def _header(headers: Mapping[str, str], name: str) -> str | None:
    value = headers.get(name)
    if value is not None:
        return value
    wanted = name.lower()  # a plain dict is case-sensitive; HTTP headers are not
    return next((v for k, v in headers.items() if k.lower() == wanted), None)


def _payload(message: str) -> WebhookPayloadError:
    return WebhookPayloadError(message, vendor=VENDOR)


def _decode_json(body: bytes) -> Any:
    try:
        return json.loads(body)
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise _payload(f"webhook body is not JSON: {body[:60]!r}") from exc


def _decode_form(body: bytes) -> dict[str, Any]:
    try:
        pairs = parse_qsl(body.decode(), keep_blank_values=True, strict_parsing=True)
    except (UnicodeDecodeError, ValueError) as exc:
        raise _payload(f"webhook body is not form-encoded: {body[:60]!r}") from exc
    document: dict[str, Any] = {}
    for key, value in pairs:
        match = _FORM_KEY.match(key)
        if match is None:
            raise _payload(f"webhook form field {key!r} is malformed")
        _assign(document, [match.group(1), *_BRACKETS.findall(match.group(2))], value, key)
    return document


def _assign(target: dict[str, Any], path: list[str], value: str, key: str) -> None:
    """Rack's nesting: `a[b][c]` is a nested object, `a[]` appends to a list."""
    name, rest = path[0], path[1:]
    if not rest:
        target[name] = value
        return
    if rest[0] == "":
        items = target.setdefault(name, [])
        if not isinstance(items, list):
            raise _payload(f"webhook form field {key!r} mixes a list and a value")
        tail = rest[1:]
        if not tail:
            items.append(value)
            return
        # A repeated key starts the next object in the list, as Rack does.
        if not items or not isinstance(items[-1], dict) or tail[0] in items[-1]:
            items.append({})
        _assign(items[-1], tail, value, key)
        return
    child = target.setdefault(name, {})
    if not isinstance(child, dict):
        raise _payload(f"webhook form field {key!r} mixes an object and a value")
    _assign(child, rest, value, key)
