"""v3 records for buildings, panels, units, users, devices and integrations.

Each record is shaped like the vendor's resource (string ids, attribute names kept),
with related records resolved from the document's `included` where the vendor sent
them; the linkage ids are always kept, so a caller can tell "not included" from "none".
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Self

from connectors.butterflymx.fields import Fields
from connectors.butterflymx.jsonapi import NOTHING_INCLUDED, Included, Ref, resource


def _ids(refs: tuple[Ref, ...]) -> tuple[str, ...]:
    return tuple(ident for _, ident in refs)


def _id(ref: Ref | None) -> str | None:
    return ref[1] if ref is not None else None


@dataclass(frozen=True)
class Picture:
    thumb_url: str | None
    medium_url: str | None

    @classmethod
    def from_fields(cls, fields: Fields | None) -> Picture | None:
        if fields is None:
            return None
        return cls(fields.opt_text("thumb_url"), fields.opt_text("medium_url"))


@dataclass(frozen=True)
class Panel:
    id: str
    name: str

    @classmethod
    def from_json(cls, raw: object) -> Self:
        res = resource(raw, ("panels",))
        return cls(id=res.id, name=res.attributes.text("name"))


@dataclass(frozen=True)
class Building:
    """The full serializer; `/me`'s reduced one leaves the settings and offset as None."""

    id: str
    name: str
    building_type: str | None
    display_name_strategy: str | None
    door_release_pin: bool | None
    qr_key_enabled: bool | None
    nfc_enabled: bool | None
    send_panel_status_report: bool | None
    mobile_logo_picture: Picture | None
    panel_logo_picture: Picture | None
    address_1: str | None
    address_2: str | None
    city: str | None
    state: str | None
    zip_code: str | None
    phone_number: str | None
    country: str | None
    time_zone: str | None
    time_zone_offset: str | None
    panel_ids: tuple[str, ...]
    panels: tuple[Panel, ...]  # those the document included

    @classmethod
    def from_json(cls, raw: object, included: Included = NOTHING_INCLUDED) -> Self:
        res = resource(raw, ("buildings",))
        a = res.attributes
        panel_refs = res.many("panels")
        panels = [included.find(ref) for ref in panel_refs]
        return cls(
            id=res.id,
            name=a.text("name"),
            building_type=a.opt_text("building_type"),
            display_name_strategy=a.opt_text("display_name_strategy"),
            door_release_pin=a.opt_flag("door_release_pin"),
            qr_key_enabled=a.opt_flag("qr_key_enabled"),
            nfc_enabled=a.opt_flag("nfc_enabled"),
            send_panel_status_report=a.opt_flag("send_panel_status_report"),
            mobile_logo_picture=Picture.from_fields(a.opt_nested("mobile_logo_picture")),
            panel_logo_picture=Picture.from_fields(a.opt_nested("panel_logo_picture")),
            address_1=a.opt_text("address_1"),
            address_2=a.opt_text("address_2"),
            city=a.opt_text("city"),
            state=a.opt_text("state"),
            zip_code=a.opt_text("zip_code"),
            phone_number=a.opt_text("phone_number"),
            country=a.opt_text("country"),
            time_zone=a.opt_text("time_zone"),
            time_zone_offset=a.opt_text("time_zone_offset"),
            panel_ids=_ids(panel_refs),
            panels=tuple(Panel.from_json(p) for p in panels if p is not None),
        )


@dataclass(frozen=True)
class User:
    id: str
    name: str
    first_name: str | None
    last_name: str | None
    contact_preference: str | None
    thumb_url: str | None
    medium_url: str | None
    sip_username: str | None
    email: str | None
    sms_phone_number: str | None
    phone_number: str | None

    @classmethod
    def from_json(cls, raw: object) -> Self:
        res = resource(raw, ("users",))
        a = res.attributes
        return cls(
            id=res.id,
            name=a.text("name"),
            first_name=a.opt_text("first_name"),
            last_name=a.opt_text("last_name"),
            contact_preference=a.opt_text("contact_preference"),
            thumb_url=a.opt_text("thumb_url"),
            medium_url=a.opt_text("medium_url"),
            sip_username=a.opt_text("sip_username"),
            email=a.opt_text("email"),
            sms_phone_number=a.opt_text("sms_phone_number"),
            phone_number=a.opt_text("phone_number"),
        )


@dataclass(frozen=True)
class Unit:
    id: str
    unit_type: str
    label: str
    floor_number: int | None
    building_id: str | None
    user_ids: tuple[str, ...]
    building: Building | None  # when included (`include=building`)
    users: tuple[User, ...]  # when included (`include=users`)

    @classmethod
    def from_json(cls, raw: object, included: Included = NOTHING_INCLUDED) -> Self:
        res = resource(raw, ("units",))
        a = res.attributes
        building_ref = res.one("building")
        user_refs = res.many("users")
        building = included.find(building_ref)
        users = [included.find(ref) for ref in user_refs]
        return cls(
            id=res.id,
            unit_type=a.text("unit_type"),
            label=a.text("label"),
            floor_number=a.opt_integer("floor_number"),
            building_id=_id(building_ref),
            user_ids=_ids(user_refs),
            building=Building.from_json(building, included) if building is not None else None,
            users=tuple(User.from_json(u) for u in users if u is not None),
        )


@dataclass(frozen=True)
class Device:
    """A v3 device (path and fields not in the reference; the sandbox mirrors v4's)."""

    id: str
    name: str
    device_type: str | None
    model: str | None
    serial_number: str | None
    created_at: datetime | None
    updated_at: datetime | None
    building_id: str | None
    building: Building | None  # `include=building`

    @classmethod
    def from_json(cls, raw: object, included: Included = NOTHING_INCLUDED) -> Self:
        res = resource(raw, ("devices",))
        a = res.attributes
        building_ref = res.one("building")
        building = included.find(building_ref)
        return cls(
            id=res.id,
            name=a.text("name"),
            device_type=a.opt_text("device_type"),
            model=a.opt_text("model"),
            serial_number=a.opt_text("serial_number"),
            created_at=a.opt_moment("created_at"),
            updated_at=a.opt_moment("updated_at"),
            building_id=_id(building_ref),
            building=Building.from_json(building, included) if building is not None else None,
        )


@dataclass(frozen=True)
class Integration:
    """A webhook registration on a building or on a tenant (UUID id)."""

    id: str
    integrator: str
    url: str
    method: str
    bindings: tuple[str, ...]  # resource types: "call", "door_release"
    created_at: datetime | None
    updated_at: datetime | None
    building_id: str | None
    tenant_id: str | None

    @classmethod
    def from_json(cls, raw: object) -> Self:
        res = resource(raw, ("integrations",))
        a = res.attributes
        config = a.nested("config")
        bindings = a.items("bindings")
        return cls(
            id=res.id,
            integrator=a.text("integrator"),
            url=config.text("url"),
            method=config.text("method"),
            bindings=tuple(
                Fields(b, f"{a.where}.bindings[{i}]").text("resource_type")
                for i, b in enumerate(bindings)
            ),
            created_at=a.opt_moment("created_at"),
            updated_at=a.opt_moment("updated_at"),
            building_id=_id(res.one("building")),
            tenant_id=_id(res.one("tenant")),
        )
