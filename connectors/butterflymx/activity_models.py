"""v3 records of what happens at the door: calls, call statuses, door releases, messages.

One record per resource type, whichever endpoint served it: fields only some shapes
carry (the status endpoint's panel details, the general door-release list's unit and
user, a webhook's building) are None elsewhere.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Self

from connectors.butterflymx.jsonapi import NOTHING_INCLUDED, Included, Ref, resource


def _id(ref: Ref | None) -> str | None:
    return ref[1] if ref is not None else None


@dataclass(frozen=True)
class Call:
    id: str
    guid: str
    call_type: str
    notification_type: str | None
    thumb_url: str | None  # may be relative (`/assets/no_pic-...jpg`)
    medium_url: str | None
    created_at: datetime
    logged_at: datetime | None
    status: str | None  # absent when the call status endpoint includes the call
    panel_id: int | None
    panel_name: str | None
    panel_sip: str | None
    status_changed_at: datetime | None  # webhooks only
    unit_id: str | None  # webhooks only
    building_id: str | None  # webhooks only

    @classmethod
    def from_json(cls, raw: object) -> Self:
        res = resource(raw, ("calls",))
        a = res.attributes
        return cls(
            id=res.id,
            guid=a.text("guid"),
            call_type=a.text("call_type"),
            notification_type=a.opt_text("notification_type"),
            thumb_url=a.opt_text("thumb_url"),
            medium_url=a.opt_text("medium_url"),
            created_at=a.moment("created_at"),
            logged_at=a.opt_moment("logged_at"),
            status=a.opt_text("status"),
            panel_id=a.opt_integer("panel_id"),
            panel_name=a.opt_text("panel_name"),
            panel_sip=a.opt_text("panel_sip"),
            status_changed_at=a.opt_moment("status_changed_at"),
            unit_id=_id(res.one("unit")),
            building_id=_id(res.one("building")),
        )


@dataclass(frozen=True)
class CallStatus:
    id: str
    status: str
    multiple_devices: bool | None
    created_at: datetime | None  # when the status last changed
    call_id: str | None
    call: Call | None  # always included by the vendor

    @classmethod
    def from_json(cls, raw: object, included: Included = NOTHING_INCLUDED) -> Self:
        res = resource(raw, ("call_statuses",))
        a = res.attributes
        call_ref = res.one("call")
        call = included.find(call_ref)
        return cls(
            id=res.id,
            status=a.text("status"),
            multiple_devices=a.opt_flag("multiple_devices"),
            created_at=a.opt_moment("created_at"),
            call_id=_id(call_ref),
            call=Call.from_json(call) if call is not None else None,
        )


@dataclass(frozen=True)
class DoorRelease:
    id: str
    release_method: str
    door_release_type: str | None
    panel_user_type: str | None  # the general list only
    call_guid: str | None
    name: str | None
    thumb_url: str | None
    medium_url: str | None
    created_at: datetime
    unit_id: str | None  # the general list only
    user_id: str | None  # the general list only
    building_id: str | None  # webhooks only

    @classmethod
    def from_json(cls, raw: object) -> Self:
        res = resource(raw, ("door_releases",))
        a = res.attributes
        return cls(
            id=res.id,
            release_method=a.text("release_method"),
            door_release_type=a.opt_text("door_release_type"),
            panel_user_type=a.opt_text("panel_user_type"),
            call_guid=a.opt_text("call_guid"),
            name=a.opt_text("name"),
            thumb_url=a.opt_text("thumb_url"),
            medium_url=a.opt_text("medium_url"),
            created_at=a.moment("created_at"),
            unit_id=_id(res.one("unit")),
            user_id=_id(res.one("user")),
            building_id=_id(res.one("building")),
        )


@dataclass(frozen=True)
class Message:
    id: str
    message_type: str
    message: str | None  # null for voice messages
    voice_url: str | None  # `voice.url`; `voice` is null for text messages

    @classmethod
    def from_json(cls, raw: object) -> Self:
        res = resource(raw, ("messages",))
        a = res.attributes
        voice = a.opt_nested("voice")
        return cls(
            id=res.id,
            message_type=a.text("message_type"),
            message=a.opt_text("message"),
            voice_url=voice.opt_text("url") if voice is not None else None,
        )
