"""v3 visitor access: keychains (custom, recurring, one-time) and virtual (QR) keys:
the records, `client.keychains` and `client.virtual_keys`.

Creating a keychain or a key issues credentials and may message the recipients, so
neither is ever retried blind; callers make them safe with idempotency keys.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time
from typing import Any, Self

from concierge.connectors.butterflymx.core import Resource, id_list, list_query, segment
from concierge.connectors.butterflymx.jsonapi import NOTHING_INCLUDED, Included, resource


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


WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")


def _keychain(raw: Any, included: Included) -> Keychain:
    return Keychain.from_json(raw, included)


def _virtual_key(raw: Any, _: Included) -> VirtualKey:
    return VirtualKey.from_json(raw)


class Keychains(Resource):
    # kept: the mutations issue issues and revokes visitor keys with these.
    async def list(
        self,
        *,
        unit_ids: Iterable[str | int] | None = None,
        tenant_ids: Iterable[str | int] | None = None,
        include_virtual_keys: bool = True,
        sort: str | Sequence[str] | None = None,
    ) -> list[Keychain]:
        tenants = id_list(tenant_ids)
        if tenants == []:
            return []
        params = list_query(
            {"tenant": tenants},
            sort=sort,
            include=["virtual_keys"] if include_virtual_keys else [],
        )
        return await self._core.all_batched("/v3/me/keychains", _keychain, params, "unit", unit_ids)

    async def get(self, keychain_id: str | int, *, include_virtual_keys: bool = True) -> Keychain:
        params = list_query(include=["virtual_keys"] if include_virtual_keys else [])
        return await self._core.one(f"/v3/me/keychains/{segment(keychain_id)}", _keychain, params)

    async def create_custom(
        self,
        name: str,
        *,
        starts_at: datetime,
        ends_at: datetime,
        recipients: Sequence[str] = (),
        unit_id: str | int | None = None,
        tenant_id: str | int | None = None,
    ) -> Keychain:
        """Keys valid from `starts_at` to `ends_at`, one per recipient (e-mail or E.164)."""
        attributes = {
            "starts_at": _moment("starts_at", starts_at),
            "ends_at": _moment("ends_at", ends_at),
        }
        return await self._create("custom", name, attributes, recipients, unit_id, tenant_id)

    async def create_one_time(
        self,
        name: str,
        *,
        starts_at: datetime,
        ends_at: datetime,
        recipients: Sequence[str] = (),
        unit_id: str | int | None = None,
        tenant_id: str | int | None = None,
    ) -> Keychain:
        """Keys usable once inside the window (path `/one_time`: the reference gives none)."""
        attributes = {
            "starts_at": _moment("starts_at", starts_at),
            "ends_at": _moment("ends_at", ends_at),
        }
        return await self._create("one_time", name, attributes, recipients, unit_id, tenant_id)

    async def create_recurring(
        self,
        name: str,
        *,
        weekdays: Sequence[str],
        start_date: date,
        end_date: date,
        time_from: time,
        time_to: time,
        recipients: Sequence[str] = (),
        unit_id: str | int | None = None,
        tenant_id: str | int | None = None,
    ) -> Keychain:
        """Keys valid on `weekdays` between the times, from `start_date` to `end_date`.

        The vendor reads the dates and times without a zone (the reference's example
        comes back as UTC); pass them as the vendor should read them.
        """
        unknown = [day for day in weekdays if day not in WEEKDAYS]
        if not weekdays or unknown:
            raise ValueError(f"butterflymx: weekdays must be some of {WEEKDAYS}, got {weekdays!r}")
        attributes = {
            "weekdays": list(weekdays),
            "start_date": start_date.isoformat(),
            "end_date": end_date.isoformat(),
            "time_from": time_from.strftime("%H:%M"),
            "time_to": time_to.strftime("%H:%M"),
        }
        return await self._create("recurring", name, attributes, recipients, unit_id, tenant_id)

    async def delete(self, keychain_id: str | int) -> None:
        """Delete a keychain and every key on it."""
        await self._core.no_content("DELETE", f"/v3/me/keychains/{segment(keychain_id)}")

    async def _create(
        self,
        kind: str,
        name: str,
        attributes: dict[str, Any],
        recipients: Sequence[str],
        unit_id: str | int | None,
        tenant_id: str | int | None,
    ) -> Keychain:
        if not name:
            raise ValueError("butterflymx: a keychain needs a name")
        if (unit_id is None) == (tenant_id is None):
            raise ValueError("butterflymx: a keychain belongs to exactly one unit_id or tenant_id")
        owner, owner_id = ("unit", unit_id) if unit_id is not None else ("tenant", tenant_id)
        body = {
            "data": {
                "type": "keychains",
                "attributes": {"name": name, **attributes, "recipients": list(recipients)},
                # Linkage exactly as the reference's examples send it: singular type and a
                # numeric id (`{"type": "unit", "id": 34}`).
                "relationships": {owner: {"data": {"type": owner, "id": _numeric(owner_id)}}},
            }
        }
        return await self._core.write("POST", f"/v3/me/keychains/{kind}", body, _keychain)


class VirtualKeys(Resource):
    async def create(
        self,
        keychain_id: str | int,
        *,
        email: str | None = None,
        sms_number: str | None = None,
        name: str | None = None,
    ) -> VirtualKey:
        """One more key on a keychain, for one e-mail address or E.164 number."""
        if not email and not sms_number:
            raise ValueError("butterflymx: a virtual key needs an email or an sms_number")
        attributes = {
            key: value
            for key, value in (("name", name), ("email", email), ("sms_number", sms_number))
            if value
        }
        body = {"data": {"type": "virtual_keys", "attributes": attributes}}
        path = f"/v3/me/keychains/{segment(keychain_id)}/virtual_keys"
        return await self._core.write("POST", path, body, _virtual_key)

    async def delete(self, keychain_id: str | int, virtual_key_id: str | int) -> None:
        path = f"/v3/me/keychains/{segment(keychain_id)}/virtual_keys/{segment(virtual_key_id)}"
        await self._core.no_content("DELETE", path)


def _moment(name: str, value: datetime) -> str:
    if value.tzinfo is None:
        raise ValueError(f"butterflymx: {name} must be timezone-aware")
    return value.isoformat()


def _numeric(value: str | int | None) -> str | int | None:
    return int(value) if isinstance(value, str) and value.isdigit() else value
