"""Webhook integrations fan-out: `call` and `door_release` events to the registered URLs.

Reference silent on the payload, headers, signing and retries. We send one JSON object

    {"event_id": "<uuid>", "event_type": "call.status_changed" | "door_release.created",
     "created_at": "<ISO 8601 Z>", "integration_id": "<uuid>", "data": <JSON:API resource>}

as the body of a POST (or as the `payload` query parameter of a GET), unsigned, retried
every 60 s for 24 h, 5 s to answer. Building-scoped integrations get the building's
events; tenant-scoped ones get events of the tenant's unit.
"""

from __future__ import annotations

import hashlib
import json
import uuid
from typing import Any

from concierge.sandbox.butterflymx import render
from concierge.sandbox.butterflymx.jsonapi import (
    Resource,
)
from concierge.sandbox.butterflymx.records import CallRecord, DoorReleaseRecord, IntegrationRecord
from concierge.sandbox.butterflymx.store import Store
from concierge.sandbox.butterflymx.values import iso
from concierge.sandbox.clock import Clock
from concierge.sandbox.webhooks import Delivery, RetryPolicy, WebhookDispatcher

# Reference silent on webhook retries: every 60 s for 24 h, 5 s to answer, then dropped.
WEBHOOK_POLICY = RetryPolicy(interval_s=60.0, give_up_after_s=24 * 3600.0, timeout_s=5.0)
BINDINGS = ("call", "door_release")


def event_uuid(*parts: object) -> str:
    # Derived from what happened, not drawn from the RNG, so concurrent calls cannot
    # reorder the stream and the same story always yields the same event ids.
    digest = hashlib.sha256("|".join(map(str, parts)).encode()).digest()[:16]
    return str(uuid.UUID(bytes=digest, version=4))


class Events:
    """Turns record changes into deliveries for every matching integration."""

    def __init__(self, store: Store, dispatcher: WebhookDispatcher, clock: Clock) -> None:
        self._store = store
        self._dispatcher = dispatcher
        self._clock = clock
        self.published = 0

    def call_changed(self, call: CallRecord) -> list[Delivery]:
        data = render.call(call) | {
            "relationships": {
                "unit": render.to_one("units", call.unit_id),
                "building": render.to_one("buildings", call.building_id),
                "panel": render.to_one("panels", call.panel_id),
            }
        }
        data["attributes"] |= {
            "panel_id": call.panel_id,
            "status_changed_at": iso(call.status_changed_at),
        }
        return self._publish(
            "call", "call.status_changed", data, call.building_id, call.unit_id, call.status
        )

    def door_released(self, release: DoorReleaseRecord) -> list[Delivery]:
        data = render.door_release(release, general=True)
        data["relationships"]["building"] = render.to_one("buildings", release.building_id)
        return self._publish(
            "door_release",
            "door_release.created",
            data,
            release.building_id,
            release.unit_id,
            "created",
        )

    def subscribers(self, binding: str, building_id: int, unit_id: int) -> list[IntegrationRecord]:
        found = []
        for integration in self._store.integrations.values():
            if binding not in integration.bindings:
                continue
            if integration.scope == "building" and integration.owner_id == building_id:
                found.append(integration)
            elif integration.scope == "tenant":
                tenancy = self._store.tenants.get(integration.owner_id)
                if tenancy is not None and tenancy.unit_id == unit_id:
                    found.append(integration)
        return found

    def _publish(
        self,
        binding: str,
        event_type: str,
        data: Resource,
        building_id: int,
        unit_id: int,
        discriminator: str,
    ) -> list[Delivery]:
        deliveries = []
        for integration in self.subscribers(binding, building_id, unit_id):
            event_id = event_uuid(
                integration.id, event_type, data["type"], data["id"], discriminator
            )
            # Reference silent on the payload: event id/type/time, integration id, resource.
            payload: dict[str, Any] = {
                "event_id": event_id,
                "event_type": event_type,
                "created_at": iso(self._clock.time()),
                "integration_id": integration.id,
                "data": data,
            }
            deliveries.append(
                self._dispatcher.enqueue(
                    Delivery(
                        vendor="butterflymx",
                        url=integration.url,
                        body=json.dumps(payload, separators=(",", ":")).encode(),
                        policy=WEBHOOK_POLICY,
                        method=integration.method.upper(),
                        headers={
                            "Content-Type": "application/json",
                            "User-Agent": "ButterflyMX-Webhooks/1.0",
                            "X-ButterflyMX-Event": event_type,
                            "X-ButterflyMX-Event-Id": event_id,
                        },
                        event_id=event_id,
                        event_type=event_type,
                        subscriber_id=integration.id,
                    )
                )
            )
        self.published += len(deliveries)
        return deliveries
