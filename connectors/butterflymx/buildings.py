"""v3 buildings, with their panels: the records and `client.buildings`."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Self

from concierge.connectors.butterflymx.core import Resource, list_query
from concierge.connectors.butterflymx.fields import Fields
from concierge.connectors.butterflymx.jsonapi import NOTHING_INCLUDED, Included, ids_of, resource


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
            panel_ids=ids_of(panel_refs),
            panels=tuple(Panel.from_json(p) for p in panels if p is not None),
        )


def _building(raw: Any, included: Included) -> Building:
    return Building.from_json(raw, included)


class Buildings(Resource):
    async def list(self, *, sort: str | Sequence[str] | None = None) -> list[Building]:
        """Buildings the account administers, with their panels (always included)."""
        return await self._core.all("/v3/buildings", _building, list_query(sort=sort))
