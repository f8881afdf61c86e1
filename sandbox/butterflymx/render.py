"""v3 resource objects, shaped field for field like the reference's examples."""

from __future__ import annotations

from typing import Any

from concierge.sandbox.butterflymx.jsonapi import (
    Resource,
)
from concierge.sandbox.butterflymx.records import (
    BuildingRecord,
    CallRecord,
    DeviceRecord,
    DoorReleaseRecord,
    IntegrationRecord,
    KeychainRecord,
    MessageRecord,
    PanelRecord,
    TenantRecord,
    UnitRecord,
    UserRecord,
    VirtualKeyRecord,
)
from concierge.sandbox.butterflymx.store import Store
from concierge.sandbox.butterflymx.values import iso
from concierge.sandbox.butterflymx.zones import utc_offset


def ref(kind: str, record_id: object) -> dict[str, str]:
    return {"id": str(record_id), "type": kind}


def to_one(kind: str, record_id: object | None) -> dict[str, Any]:
    return {"data": ref(kind, record_id) if record_id is not None else None}


def building(b: BuildingRecord, store: Store, now: float, *, reduced: bool = False) -> Resource:
    """Full serializer, or the reduced one `/v3/me?include=buildings` shows."""
    attributes: dict[str, Any] = {"name": b.name, "building_type": b.building_type}
    if not reduced:
        attributes |= {
            "display_name_strategy": b.display_name_strategy,
            "door_release_pin": b.door_release_pin,
            "qr_key_enabled": b.qr_key_enabled,
            "nfc_enabled": b.nfc_enabled,
            "send_panel_status_report": b.send_panel_status_report,
        }
    attributes |= {
        "mobile_logo_picture": {
            "thumb_url": b.mobile_logo.thumb_url,
            "medium_url": b.mobile_logo.medium_url,
        },
        "panel_logo_picture": {
            "thumb_url": b.panel_logo.thumb_url,
            "medium_url": b.panel_logo.medium_url,
        },
        "address_1": b.address_1,
        "address_2": b.address_2,
        "city": b.city,
        "state": b.state,
        "zip_code": b.zip_code,
        "phone_number": b.phone_number,
        "country": b.country,
        "time_zone": b.time_zone,
    }
    resource: Resource = {"id": str(b.id), "type": "buildings", "attributes": attributes}
    if reduced:
        return resource
    attributes["time_zone_offset"] = utc_offset(b.time_zone, now)
    resource["relationships"] = {
        "panels": {"data": [ref("panels", p.id) for p in panels_of(store, b.id)]}
    }
    return resource


def panels_of(store: Store, building_id: int) -> list[PanelRecord]:
    return [p for p in store.panels.values() if p.building_id == building_id]


def panel(p: PanelRecord) -> Resource:
    return {"id": str(p.id), "type": "panels", "attributes": {"name": p.name}}


def unit(u: UnitRecord, store: Store) -> Resource:
    return {
        "id": str(u.id),
        "type": "units",
        "attributes": {"unit_type": u.unit_type, "label": u.label, "floor_number": u.floor_number},
        "relationships": {
            "building": to_one("buildings", u.building_id),
            "users": {"data": [ref("users", t.user_id) for t in store.tenants_of_unit(u.id)]},
        },
    }


def user(u: UserRecord) -> Resource:
    return {
        "id": str(u.id),
        "type": "users",
        "attributes": {
            "name": u.name,
            "first_name": u.first_name,
            "last_name": u.last_name,
            "contact_preference": u.contact_preference,
            "thumb_url": None,
            "medium_url": None,
            "sip_username": str(u.id),
            "email": u.email,
            "sms_phone_number": u.sms_phone_number,
            "phone_number": u.phone_number,
        },
    }


def display_names(t: TenantRecord, store: Store) -> tuple[str, str, str]:
    """(display_name, display_first_name, display_last_name) under the effective strategy."""
    person = store.users[t.user_id]
    first, last = person.first_name, person.last_name
    strategy = t.display_name_strategy
    if strategy == "building":
        b = store.buildings.get(store.building_of_unit(t.unit_id) or -1)
        strategy = b.display_name_strategy if b is not None else "first_name_and_last_name"
    if strategy == "custom":
        first, last = t.custom_first_name or first, t.custom_last_name or last
        return f"{first} {last}".strip(), first, last
    if strategy == "first_name_initial_and_last_name":
        return f"{first[:1]}. {last}", f"{first[:1]}.", last
    if strategy == "first_name_and_last_name_initial":
        return f"{first} {last[:1]}.", first, f"{last[:1]}."
    if strategy == "last_name_and_first_name_initial_capitalized":
        return f"{last.upper()} {first[:1]}.", f"{first[:1]}.", last.upper()
    if strategy == "anonymous":
        return "Resident", "Resident", ""
    return f"{first} {last}", first, last


def tenant(t: TenantRecord, store: Store) -> Resource:
    display_name, display_first, display_last = display_names(t, store)
    return {
        "id": str(t.id),
        "type": "units_users",
        "attributes": {
            "active_at": iso(t.active_at),
            "inactive_at": iso(t.inactive_at),
            "qr_key_enabled": t.qr_key_enabled,
            "directory_message": t.directory_message,
            "display_name": display_name,
            "display_name_strategy": t.display_name_strategy,
            "display_first_name": display_first,
            "display_last_name": display_last,
            "display_only_on_search": t.display_only_on_search,
            "pin_enabled": t.pin is not None,
            "pin": t.pin,
            "email_notifications": t.email_notifications,
            "sms_notifications": t.sms_notifications,
            "do_not_disturb": t.do_not_disturb,
        },
        "relationships": {"unit": to_one("units", t.unit_id), "user": to_one("users", t.user_id)},
    }


def call_attributes(c: CallRecord) -> dict[str, Any]:
    return {
        "guid": c.guid,
        "call_type": c.call_type,
        "notification_type": c.notification_type,
        "thumb_url": c.thumb_url,
        "medium_url": c.medium_url,
        "created_at": iso(c.created_at),
        "logged_at": iso(c.created_at),
    }


def call(c: CallRecord) -> Resource:
    return {
        "id": str(c.id),
        "type": "calls",
        "attributes": call_attributes(c) | {"status": c.status},
    }


def call_with_panel(c: CallRecord, store: Store) -> Resource:
    """The call as the status endpoint includes it: no status, panel details instead."""
    p = store.panels.get(c.panel_id)
    return {
        "id": str(c.id),
        "type": "calls",
        "attributes": call_attributes(c)
        | {
            "panel_id": c.panel_id,
            "panel_name": p.name if p else None,
            "panel_sip": f"panel_{c.panel_id}",
        },
    }


def call_status(c: CallRecord) -> Resource:
    # Reference silent on call_statuses ids: one status record per call, sharing its id.
    return {
        "id": str(c.id),
        "type": "call_statuses",
        "attributes": {
            "status": c.status,
            "multiple_devices": c.multiple_devices,
            "created_at": iso(c.status_changed_at),
        },
        "relationships": {"call": to_one("calls", c.id)},
    }


def door_release(d: DoorReleaseRecord, *, general: bool) -> Resource:
    """`general` is the `/v3/door_releases` shape (panel_user_type and relationships)."""
    attributes: dict[str, Any] = {
        "release_method": d.release_method,
        "door_release_type": d.door_release_type,
    }
    if general:
        attributes["panel_user_type"] = d.panel_user_type
    attributes |= {
        "call_guid": d.call_guid,
        "name": d.name,
        "thumb_url": d.thumb_url,
        "medium_url": d.medium_url,
        "created_at": iso(d.created_at),
    }
    resource: Resource = {"id": str(d.id), "type": "door_releases", "attributes": attributes}
    if general:
        resource["relationships"] = {
            "unit": to_one("units", d.unit_id),
            "user": to_one("users", d.user_id),
        }
    return resource


def message(m: MessageRecord) -> Resource:
    # Reference silent on `voice` for text messages: we send null.
    voice = {"url": m.voice_url} if m.voice_url is not None else None
    return {
        "id": str(m.id),
        "type": "messages",
        "attributes": {"message": m.message, "voice": voice, "message_type": m.message_type},
    }


def keychain(k: KeychainRecord) -> Resource:
    return {
        "id": str(k.id),
        "type": "keychains",
        "attributes": {
            "name": k.name,
            "weekdays": k.weekdays,
            "starts_at": iso(k.starts_at),
            "ends_at": iso(k.ends_at),
            "time_from": k.time_from,
            "time_to": k.time_to,
            "kind": k.kind,
        },
        "relationships": {
            "virtual_keys": {"data": [ref("virtual_keys", key_id) for key_id in k.virtual_key_ids]}
        },
    }


def virtual_key(v: VirtualKeyRecord, kind: str) -> Resource:
    attributes: dict[str, Any] = {
        "name": v.name,
        "qr_code_image_url": v.qr_code_image_url,
        "email": v.email,
        "sms_number": v.sms_number,
    }
    if kind == "one_time":
        # Reference names both fields for one-time keys and shows neither: we send both.
        attributes |= {"used_at": iso(v.used_at), "one_time_key_used_at": iso(v.used_at)}
    return {"id": str(v.id), "type": "virtual_keys", "attributes": attributes}


def device(d: DeviceRecord) -> Resource:
    # Reference shows no v3 device sample: we reuse the v4 fields, JSON:API-shaped.
    return {
        "id": str(d.id),
        "type": "devices",
        "attributes": {
            "name": d.name,
            "device_type": d.type,
            "model": d.model,
            "serial_number": d.serial_number,
            "created_at": iso(d.created_at),
            "updated_at": iso(d.updated_at),
        },
        "relationships": {"building": to_one("buildings", d.building_id)},
    }


def integration(i: IntegrationRecord) -> Resource:
    # Reference silent on the integration shape: integrator, config {url, method}, bindings.
    owner = ("building", "buildings") if i.scope == "building" else ("tenant", "tenants")
    return {
        "id": i.id,
        "type": "integrations",
        "attributes": {
            "integrator": i.integrator,
            "config": {"url": i.url, "method": i.method},
            "bindings": [{"resource_type": kind} for kind in i.bindings],
            "created_at": iso(i.created_at),
            "updated_at": iso(i.updated_at),
        },
        "relationships": {owner[0]: to_one(owner[1], i.owner_id)},
    }
