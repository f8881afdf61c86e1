"""v3 records for visitor access: keychains and their virtual (QR) keys."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Self

from connectors.butterflymx.jsonapi import NOTHING_INCLUDED, Included, resource


@dataclass(frozen=True)
class VirtualKey:
    id: str
    name: str
    qr_code_image_url: str | None
    email: str | None
    sms_number: str | None
    used_at: datetime | None  # one-time keychains only
    one_time_key_used_at: datetime | None  # one-time keychains only

    @classmethod
    def from_json(cls, raw: object) -> Self:
        res = resource(raw, ("virtual_keys",))
        a = res.attributes
        return cls(
            id=res.id,
            name=a.text("name"),
            qr_code_image_url=a.opt_text("qr_code_image_url"),
            email=a.opt_text("email"),
            sms_number=a.opt_text("sms_number"),
            used_at=a.opt_moment("used_at"),
            one_time_key_used_at=a.opt_moment("one_time_key_used_at"),
        )


@dataclass(frozen=True)
class Keychain:
    """Validity (custom/one-time window, or recurring weekdays and hours) plus its keys."""

    id: str
    name: str
    kind: str  # custom | recurring | one_time
    weekdays: tuple[str, ...] | None
    starts_at: datetime | None
    ends_at: datetime | None
    time_from: str | None  # hh:mm, recurring only
    time_to: str | None
    virtual_key_ids: tuple[str, ...]
    virtual_keys: tuple[VirtualKey, ...]  # when included

    @classmethod
    def from_json(cls, raw: object, included: Included = NOTHING_INCLUDED) -> Self:
        res = resource(raw, ("keychains",))
        a = res.attributes
        key_refs = res.many("virtual_keys")
        keys = [included.find(ref) for ref in key_refs]
        return cls(
            id=res.id,
            name=a.text("name"),
            kind=a.text("kind"),
            weekdays=a.opt_texts("weekdays"),
            starts_at=a.opt_moment("starts_at"),
            ends_at=a.opt_moment("ends_at"),
            time_from=a.opt_text("time_from"),
            time_to=a.opt_text("time_to"),
            virtual_key_ids=tuple(ident for _, ident in key_refs),
            virtual_keys=tuple(VirtualKey.from_json(k) for k in keys if k is not None),
        )
