"""Events: built in the reference's shape, stored, and fanned out to notification subscribers."""

from __future__ import annotations

import json
import logging
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any
from urllib.parse import urlencode

from concierge.sandbox.clock import Clock, iso_z
from concierge.sandbox.remotelock.resources import View
from concierge.sandbox.remotelock.store import Ids, Record, Store, touch
from concierge.sandbox.webhooks import Delivery, RetryPolicy, WebhookDispatcher

# Publishing stores the event (so `GET /events` shows it), writes one `notification` per
# active subscriber with a matching subscription, and enqueues a webhook for webhook
# subscribers: `{"data": <event>}` with `X-Secret`, retried hourly for 72 hours, after which
# the subscriber is deactivated.

log = logging.getLogger(__name__)

WEBHOOK_POLICY = RetryPolicy(interval_s=3600, give_up_after_s=72 * 3600, timeout_s=3)
LOCK_EVENT_TYPES = ("unlocked", "locked", "access_denied")
ALL_EVENT_TYPES = (
    "unlocked",
    "locked",
    "access_denied",
    "access_person_synced",
    "access_person_sync_failed",
    "access_guest_late_sync",
    "reset",
    "connectivity",
    "power_level_low",
    "battery_replaced",
    "acs_door_opened",
    "acs_door_closed",
    "acs_door_held_open",
    "acs_requested_to_exit",
    "temperature_changed",
    "humidity_changed",
    "relay_enabled",
    "relay_disabled",
    "access_person_used",
)


def credential_details(
    *,
    method: str | None = None,
    pin: str | None = None,
    card: str | None = None,
    status_info: str | None = None,
) -> dict[str, Any]:
    """The credential fields of lock and access-person-used events, in the reference's order."""
    return {
        "associated_resource_name": None,
        "status_info": status_info,
        "method": method,
        "card": card,
        "pin": pin,
        "smart_card_serial_number": None,
    }


def build_event(
    kind: str,
    event_id: str,
    *,
    publisher: tuple[str, str],
    time_zone: str,
    occurred_at: float,
    created_at: float | None = None,
    details: dict[str, Any] | None = None,
    associated: tuple[str, str] | None = None,
    source: str = "user",
    status: str = "succeeded",
) -> Record:
    """An `<kind>_event` record; `associated` ids are omitted when there is none, as documented."""
    created = occurred_at if created_at is None else created_at
    attributes: dict[str, Any] = {
        "source": source,
        "status": status,
        "time_zone": time_zone,
        "occurred_at": iso_z(datetime.fromtimestamp(occurred_at, UTC)),
        "created_at": iso_z(datetime.fromtimestamp(created, UTC)),
        "updated_at": iso_z(datetime.fromtimestamp(created, UTC)),
        **(details or {}),
        "publisher_id": publisher[1],
        "publisher_type": publisher[0],
    }
    if associated is not None:
        attributes["associated_resource_id"] = associated[1]
        attributes["associated_resource_type"] = associated[0]
    return Record(f"{kind}_event", event_id, attributes)


def form_encode(value: Any, prefix: str = "") -> list[tuple[str, str]]:
    """Rack-style nested form fields: data[attributes][pin]=1234 (nulls become empty strings)."""
    if isinstance(value, dict):
        pairs: list[tuple[str, str]] = []
        for key, inner in value.items():
            pairs += form_encode(inner, f"{prefix}[{key}]" if prefix else str(key))
        return pairs
    if isinstance(value, list):
        return [pair for item in value for pair in form_encode(item, f"{prefix}[]")]
    if isinstance(value, bool):
        return [(prefix, "true" if value else "false")]
    return [(prefix, "" if value is None else str(value))]


class EventPublisher:
    """Stores events and fans them out to notification subscribers."""

    def __init__(
        self,
        store: Store,
        clock: Clock,
        ids: Ids,
        webhooks: WebhookDispatcher,
        api_base: Callable[[], str],
    ) -> None:
        self._store = store
        self._clock = clock
        self._ids = ids
        self._webhooks = webhooks
        self._api_base = api_base

    def location_of(self, event: Record) -> str | None:
        """The location an event happened at, through its device (publisher or associated)."""
        attrs = event.attributes
        for key in ("publisher", "associated_resource"):
            device = self._store.devices.get(attrs.get(f"{key}_id", ""))
            if device is not None:
                return str(device.attributes["location_id"])
        return None

    def matching_subscribers(self, event: Record) -> list[Record]:
        base_type = event.type.removesuffix("_event")
        attrs = event.attributes
        location = self.location_of(event)
        chosen: dict[str, Record] = {}
        for subscription in self._store.subscriptions.values():
            sub = subscription.attributes
            if not any(e.get("event_type") == base_type for e in sub["events"]):
                continue
            kind, ident = sub["publisher_type"], sub["publisher_id"]
            if kind == "location" and ident != location:
                continue
            if kind not in ("account", "location") and (
                kind != attrs["publisher_type"] or ident != attrs["publisher_id"]
            ):
                continue
            # Reference silent: first_access / created_by_integration have no stated effect on
            # delivery; we store them and match on event_type alone.
            subscriber = self._store.subscribers.get(sub["subscriber_id"])
            if subscriber is not None and subscriber.attributes["active"]:
                chosen.setdefault(subscriber.id, subscriber)
        return list(chosen.values())

    def publish(self, event: Record, *, deliver: bool = True) -> Record:
        """Store the event, write notifications, and (unless seeding) send webhooks."""
        self._store.add(self._store.events, event)
        for subscriber in self.matching_subscribers(event):
            self._notify(subscriber, event, deliver=deliver)
        return event

    def _notify(self, subscriber: Record, event: Record, *, deliver: bool) -> None:
        stamp = event.attributes["created_at"]
        self._store.add(
            self._store.notifications,
            Record(
                "notification",
                self._ids.uuid(),
                {
                    "created_at": stamp,
                    "updated_at": stamp,
                    "subscriber_id": subscriber.id,
                    "subscriber_type": subscriber.type,
                    "publisher_id": event.attributes["publisher_id"],
                    "publisher_type": event.attributes["publisher_type"],
                    "event_id": event.id,
                    "event_type": event.type,
                },
            ),
        )
        if deliver and subscriber.type == "webhook_notification_subscriber":
            self._deliver(subscriber, event)

    def _deliver(self, subscriber: Record, event: Record) -> None:
        view = View(self._api_base(), self._clock.now(), self._store)
        payload = {"data": view.render(event)}
        attrs = subscriber.attributes
        headers = {"X-Secret": str(attrs["secret"]), "User-Agent": "RemoteLock-Webhooks/1.0"}
        if attrs["content_type"] == "json":
            body = json.dumps(payload).encode()
            headers["Content-Type"] = "application/json"
        else:
            # Reference silent: the `form` encoding is undocumented; we send Rack-style nested
            # fields (data[attributes][pin]=...) as application/x-www-form-urlencoded.
            body = urlencode(form_encode(payload)).encode()
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        self._webhooks.enqueue(
            Delivery(
                vendor="remotelock",
                url=str(attrs["url"]),
                body=body,
                policy=WEBHOOK_POLICY,
                headers=headers,
                event_id=event.id,
                event_type=event.type,
                subscriber_id=subscriber.id,
                on_give_up=self._deactivate,
            )
        )

    def _deactivate(self, delivery: Delivery) -> None:
        subscriber = self._store.subscribers.get(delivery.subscriber_id)
        if subscriber is not None and subscriber.attributes["active"]:
            subscriber.attributes["active"] = False
            touch(subscriber, self._clock)
            log.info("webhook subscriber %s deactivated after 72 h of failures", subscriber.id)
