"""v3 visitor access: keychains (custom, recurring, one-time) and virtual (QR) keys.

Creating a keychain or a key issues credentials and may message the recipients, so
neither is ever retried blind; callers make them safe with idempotency keys.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import date, datetime, time
from typing import Any

from connectors.butterflymx.base import ClientBase, id_list, list_query, segment
from connectors.butterflymx.jsonapi import Included
from connectors.butterflymx.key_models import Keychain, VirtualKey

WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")


def _keychain(raw: Any, included: Included) -> Keychain:
    return Keychain.from_json(raw, included)


def _virtual_key(raw: Any, _: Included) -> VirtualKey:
    return VirtualKey.from_json(raw)


class KeysAPI(ClientBase):
    async def list_keychains(
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
        return await self._all_batched("/v3/me/keychains", _keychain, params, "unit", unit_ids)

    async def get_keychain(
        self, keychain_id: str | int, *, include_virtual_keys: bool = True
    ) -> Keychain:
        params = list_query(include=["virtual_keys"] if include_virtual_keys else [])
        return await self._one(f"/v3/me/keychains/{segment(keychain_id)}", _keychain, params)

    async def create_custom_keychain(
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

    async def create_one_time_keychain(
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

    async def create_recurring_keychain(
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

    async def delete_keychain(self, keychain_id: str | int) -> None:
        """Delete a keychain and every key on it."""
        await self._no_content("DELETE", f"/v3/me/keychains/{segment(keychain_id)}")

    async def create_virtual_key(
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
        return await self._write("POST", path, body, _virtual_key)

    async def delete_virtual_key(self, keychain_id: str | int, virtual_key_id: str | int) -> None:
        path = f"/v3/me/keychains/{segment(keychain_id)}/virtual_keys/{segment(virtual_key_id)}"
        await self._no_content("DELETE", path)

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
        return await self._write("POST", f"/v3/me/keychains/{kind}", body, _keychain)


def _moment(name: str, value: datetime) -> str:
    if value.tzinfo is None:
        raise ValueError(f"butterflymx: {name} must be timezone-aware")
    return value.isoformat()


def _numeric(value: str | int | None) -> str | int | None:
    return int(value) if isinstance(value, str) and value.isdigit() else value
