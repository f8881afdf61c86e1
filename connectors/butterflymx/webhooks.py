"""Incoming ButterflyMX webhooks: verify the URL's secret token, parse the event.

ButterflyMX signs nothing (the reference documents no signature), so the integration's
URL carries a secret we chose, e.g. `https://concierge.example.com/webhooks/butterflymx/
<token>`; the ingress passes the token it received and the one it expects. They are
compared in constant time, before the body is read.

The payload (the reference is silent; the sandbox's decision) is
`{"event_id", "event_type", "created_at", "integration_id", "data": <JSON:API resource>}`,
posted as the body, or for `get` integrations sent as the `payload` query parameter.
"""

from __future__ import annotations

import hmac
import json
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from concierge.connectors.butterflymx.calls import Call
from concierge.connectors.butterflymx.events import DoorRelease
from concierge.connectors.butterflymx.fields import Fields, protocol_error

CALL_STATUS_CHANGED = "call.status_changed"
DOOR_RELEASE_CREATED = "door_release.created"


class WebhookVerificationError(Exception):
    """The request's token is not ours: answer 404 and do not read the body."""


@dataclass(frozen=True)
class CallStatusChanged:
    event_id: str
    created_at: datetime
    integration_id: str | None
    call: Call  # with status, panel_id, status_changed_at, unit and building ids


@dataclass(frozen=True)
class DoorReleaseCreated:
    event_id: str
    created_at: datetime
    integration_id: str | None
    door_release: DoorRelease  # the general shape, plus the building id


@dataclass(frozen=True)
class OtherWebhookEvent:
    """An event type we do not know yet: acknowledge it (or the vendor retries for 24 h)."""

    event_id: str
    event_type: str
    created_at: datetime
    integration_id: str | None
    data: Mapping[str, Any]


WebhookEvent = CallStatusChanged | DoorReleaseCreated | OtherWebhookEvent


def verify_url_token(url_token: str, expected_token: str) -> None:
    """Raise `WebhookVerificationError` unless the tokens match (constant time)."""
    if not expected_token:
        raise ValueError("butterflymx: the expected webhook token must not be empty")
    if not hmac.compare_digest(url_token.encode(), expected_token.encode()):
        raise WebhookVerificationError("butterflymx webhook: unknown URL token")


def parse_webhook(
    body: bytes,
    *,
    url_token: str,
    expected_token: str,
    query: Mapping[str, str] | None = None,
) -> WebhookEvent:
    """Verify, then parse one delivery; `query` carries a `get` integration's payload.

    A wrong token raises `WebhookVerificationError`; a body we cannot read raises
    `VendorProtocolError` naming the field.
    """
    verify_url_token(url_token, expected_token)
    raw: bytes | str = body
    if not body.strip() and query is not None and "payload" in query:
        raw = query["payload"]
    try:
        payload = json.loads(raw)
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise protocol_error("webhook", f"body is not JSON ({exc.__class__.__name__})") from exc
    return parse_event(payload)


def parse_event(payload: object) -> WebhookEvent:
    f = Fields(payload, "webhook")
    event_id, event_type = f.text("event_id"), f.text("event_type")
    created_at = f.moment("created_at")
    integration_id = f.opt_text("integration_id")
    data = f.nested("data")
    if event_type == CALL_STATUS_CHANGED:
        call = Call.from_json(data.data)
        if call.status is None:
            raise protocol_error("webhook.data.attributes", "missing field 'status'")
        return CallStatusChanged(event_id, created_at, integration_id, call)
    if event_type == DOOR_RELEASE_CREATED:
        release = DoorRelease.from_json(data.data)
        return DoorReleaseCreated(event_id, created_at, integration_id, release)
    return OtherWebhookEvent(event_id, event_type, created_at, integration_id, data.data)
