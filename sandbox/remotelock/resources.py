"""Rendering stored records as RemoteLock resource objects: attributes, links and meta."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from concierge.sandbox.remotelock.store import Record, Store, ordered

LOCK_ORDER = (
    "name",
    "heartbeat_interval",
    "wifi_level",
    "signal_quality",
    "connected",
    "alive",
    "power_source",
    "connected_at",
    "serial_number",
    "wake_wifi",
    "muted",
    "auto_lock",
    "auto_lock_timeout",
    "programming_code",
    "state",
    "power_level",
    "created_at",
    "updated_at",
    "default_guest_start_time",
    "default_guest_end_time",
    "local_pins",
    "model_id",
    "location_id",
    "lock_action_schedule_id",
)
ACCESS_ORDER = (
    "guest_start_time",
    "guest_end_time",
    "devices_count",
    "devices_synced_count",
    "devices_pending_sync_count",
    "devices_failed_sync_count",
    "accessible_type",
    "created_at",
    "updated_at",
    "access_schedule_id",
    "access_person_id",
    "access_person_type",
    "accessible_id",
)
PERSON_ORDER = (
    "name",
    "email",
    "phone",
    "pin",
    "card_number",
    "department",
    "status",
    "rental_source",
    "created_at",
    "updated_at",
    "starts_at",
    "ends_at",
)
DAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
SCHEDULE_ORDER = ("name", *DAYS, "created_at", "updated_at")
DEVICE_TYPES = ("lock", "thermostat", "power_plug", "resort_lock", "acs_door")
PERSON_TYPES = ("access_user", "access_guest")
SCHEDULE_TYPES = (
    "auto_lock_schedule",
    "lock_action_schedule",
    "access_schedule",
    "power_plug_schedule",
    "thermostat_schedule",
)
SUBSCRIBER_TYPES = (
    "email_notification_subscriber",
    "text_notification_subscriber",
    "webhook_notification_subscriber",
)


def naive_now(now: datetime) -> str:
    """`now` as the zone-less wall-clock string guests' `starts_at`/`ends_at` use."""
    return now.strftime("%Y-%m-%dT%H:%M:%S")


def person_status(store: Store, person: Record, now: datetime) -> str:
    """A person's status now: stored for users and deactivations, derived for guests."""
    attributes = person.attributes
    if attributes["status"] == "deactivated" or "starts_at" not in attributes:
        return str(attributes["status"])
    # Reference silent on the zone of guests' zone-less times; the inventory presumes the
    # location's, so we read them in the zone of the first location the guest may open
    # (the account's first location before any access is granted; UTC with none).
    moment = naive_now(now.astimezone(ZoneInfo(guest_zone(store, person))))
    if moment >= attributes["ends_at"]:
        return "expired"
    return "current" if moment >= attributes["starts_at"] else "upcoming"


def guest_zone(store: Store, person: Record) -> str:
    location_ids = [
        a.attributes["accessible_id"]
        if a.attributes["accessible_type"] == "location"
        else store.devices[a.attributes["accessible_id"]].attributes.get("location_id")
        for a in store.accesses.values()
        if a.attributes["access_person_id"] == person.id
        and (
            a.attributes["accessible_type"] == "location"
            or a.attributes["accessible_id"] in store.devices
        )
    ]
    locations = [store.locations[i] for i in location_ids if i in store.locations]
    locations += list(store.locations.values())
    return str(locations[0].attributes["time_zone"]) if locations else "UTC"


def publisher_path(kind: str, ident: str) -> str:
    if kind == "account":
        return "/account"
    if kind == "location":
        return f"/locations/{ident}"
    if kind in PERSON_TYPES:
        return f"/access_persons/{ident}"
    if kind == "acs_door":
        return f"/acs/doors/{ident}"
    if kind == "acs_controller":
        return f"/acs/controllers/{ident}"
    return f"/devices/{ident}"


def accessible_path(kind: str, ident: str) -> str:
    return {
        "lock": f"/devices/{ident}",
        "acs_door": f"/acs/doors/{ident}",
        "door_group": f"/groups/{ident}",
        "location": f"/locations/{ident}",
    }[kind]


@dataclass
class View:
    """What rendering needs besides the record: the links' base URL, the time and the store."""

    base: str
    now: datetime
    store: Store

    def render(self, record: Record) -> dict[str, Any]:
        attributes, links, meta = self._parts(record)
        resource: dict[str, Any] = {
            "type": record.type,
            "attributes": attributes,
            "id": record.id,
            "links": {name: self.base + path for name, path in links.items()},
        }
        if meta:
            resource["meta"] = meta
        return resource

    def _parts(
        self, record: Record
    ) -> tuple[dict[str, Any], dict[str, str], dict[str, Any] | None]:
        kind, ident, attrs = record.type, record.id, record.attributes
        if kind in PERSON_TYPES:
            status = person_status(self.store, record, self.now)
            shown = ordered(attrs, PERSON_ORDER) | {"status": status}
            restricted = status in ("deactivated", "expired")
            meta = {"restricted_actions": ["update"]} if restricted else None
            return shown, {"self": f"/access_persons/{ident}"}, meta
        if kind in DEVICE_TYPES:
            return self._device(record)
        if kind == "access_person_access":
            links = {"self": f"/access_persons/{attrs['access_person_id']}/accesses/{ident}"}
            if "access_schedule_id" in attrs:
                links["access_schedule"] = f"/schedules/{attrs['access_schedule_id']}"
            links["access_person"] = f"/access_persons/{attrs['access_person_id']}"
            links["accessible"] = accessible_path(attrs["accessible_type"], attrs["accessible_id"])
            return ordered(attrs, ACCESS_ORDER), links, None
        if kind.endswith("_event"):
            links = {
                "self": f"/events/{ident}",
                "publisher": publisher_path(attrs["publisher_type"], attrs["publisher_id"]),
            }
            if "associated_resource_id" in attrs:
                links["associated_resource"] = publisher_path(
                    attrs["associated_resource_type"], attrs["associated_resource_id"]
                )
            return dict(attrs), links, None
        if kind in SCHEDULE_TYPES:
            return ordered(attrs, SCHEDULE_ORDER), {"self": f"/schedules/{ident}"}, None
        return dict(attrs), self._plain_links(record), None

    def _device(
        self, record: Record
    ) -> tuple[dict[str, Any], dict[str, str], dict[str, Any] | None]:
        attrs = record.attributes
        links = {
            "self": f"/devices/{record.id}",
            "model": f"/models/{attrs['model_id']}",
            "location": f"/locations/{attrs['location_id']}",
        }
        if "lock_action_schedule_id" in attrs:
            links["lock_action_schedule"] = f"/schedules/{attrs['lock_action_schedule_id']}"
        model = self.store.models.get(attrs["model_id"])
        replaceable = model is None or model.attributes["capabilities"].get("replaceable", False)
        meta = None if replaceable else {"restricted_actions": ["replace"]}
        return ordered(attrs, LOCK_ORDER), links, meta

    def _plain_links(self, record: Record) -> dict[str, str]:
        kind, ident, attrs = record.type, record.id, record.attributes
        if kind == "location":
            return {"self": f"/locations/{ident}"}
        if kind == "model":
            return {"self": f"/models/{ident}"}
        if kind in SUBSCRIBER_TYPES:
            return {"self": f"/notification_subscribers/{ident}"}
        if kind == "account":
            return {
                "self": "/account",
                "primary_owner": "/user",
                "owner_role": f"/roles/{attrs['owner_role_id']}",
            }
        if kind == "user":
            return {"self": "/user", "primary_account": "/account", "default_account": "/account"}
        collection = "notifications" if kind == "notification" else "notification_subscriptions"
        links = {
            "self": f"/{collection}/{ident}",
            "subscriber": f"/notification_subscribers/{attrs['subscriber_id']}",
            # Reference contradictory: subscription examples link the account publisher as both
            # /accounts/:id and /account; only /account exists, so we link there.
            "publisher": publisher_path(attrs["publisher_type"], attrs["publisher_id"]),
        }
        if kind == "notification":
            links["event"] = f"/events/{attrs['event_id']}"
        return links
