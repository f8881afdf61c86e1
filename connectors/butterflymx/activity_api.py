"""v3 calls, call status, door releases (the user's and the general list) and messages."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterable, Mapping, Sequence
from typing import Any

from connectors.butterflymx.activity_models import Call, CallStatus, DoorRelease, Message
from connectors.butterflymx.base import ClientBase, FilterValue, id_list, list_query, segment
from connectors.butterflymx.jsonapi import Included


def _call(raw: Any, _: Included) -> Call:
    return Call.from_json(raw)


def _door_release(raw: Any, _: Included) -> DoorRelease:
    return DoorRelease.from_json(raw)


def _message(raw: Any, _: Included) -> Message:
    return Message.from_json(raw)


class ActivityAPI(ClientBase):
    def iter_calls(
        self,
        *,
        unit_ids: Iterable[str | int] | None = None,
        filters: Mapping[str, FilterValue] | None = None,
        sort: str | Sequence[str] | None = None,
    ) -> AsyncIterator[Call]:
        """Calls page by page, for histories too long to hold (see `list_calls`)."""
        units = id_list(unit_ids)
        if units == []:
            return _no_items()
        params = list_query({**(filters or {}), "unit": units}, sort=sort)
        return self._iter("/v3/me/calls", _call, params)

    async def list_calls(
        self,
        *,
        unit_ids: Iterable[str | int] | None = None,
        filters: Mapping[str, FilterValue] | None = None,
        sort: str | Sequence[str] | None = None,
    ) -> list[Call]:
        """Intercom calls to the user's units, newest first (per batch of unit ids);
        `filters`: `call_type`, `notification_type`, `guid`."""
        params = list_query(filters, sort=sort)
        return await self._all_batched("/v3/me/calls", _call, params, "unit", unit_ids)

    async def get_call_status(self, call_guid: str) -> CallStatus:
        """Where a call is in its lifecycle, with the call (and its panel) included."""
        return await self._one(f"/v3/me/calls/{segment(call_guid)}/status", CallStatus.from_json)

    async def list_my_door_releases(
        self,
        *,
        unit_ids: Iterable[str | int] | None = None,
        filters: Mapping[str, FilterValue] | None = None,
        sort: str | Sequence[str] | None = None,
    ) -> list[DoorRelease]:
        """`/v3/me/door_releases`: no unit, user or panel user type on the records."""
        params = list_query(filters, sort=sort)
        return await self._all_batched(
            "/v3/me/door_releases", _door_release, params, "unit", unit_ids
        )

    def iter_door_releases(
        self,
        *,
        unit_ids: Iterable[str | int] | None = None,
        user_ids: Iterable[str | int] | None = None,
        filters: Mapping[str, FilterValue] | None = None,
        sort: str | Sequence[str] | None = None,
    ) -> AsyncIterator[DoorRelease]:
        """Door releases page by page (see `list_door_releases`)."""
        units, users = id_list(unit_ids), id_list(user_ids)
        if units == [] or users == []:
            return _no_items()
        # The reference shows both `filter[unit]=` and bare `unit_id=`; we send the
        # JSON:API form, which both door release lists accept.
        params = list_query({**(filters or {}), "unit": units, "user": users}, sort=sort)
        return self._iter("/v3/door_releases", _door_release, params)

    async def list_door_releases(
        self,
        *,
        unit_ids: Iterable[str | int] | None = None,
        user_ids: Iterable[str | int] | None = None,
        filters: Mapping[str, FilterValue] | None = None,
        sort: str | Sequence[str] | None = None,
    ) -> list[DoorRelease]:
        """`/v3/door_releases`, with unit and user; `filters`: `release_method`,
        `door_release_type`, `panel_user_type`, `name`, `call_guid`."""
        users = id_list(user_ids)
        if users == []:
            return []
        params = list_query({**(filters or {}), "user": users}, sort=sort)
        return await self._all_batched("/v3/door_releases", _door_release, params, "unit", unit_ids)

    async def get_door_release(self, door_release_id: str | int) -> DoorRelease:
        return await self._one(f"/v3/door_releases/{segment(door_release_id)}", _door_release)

    async def list_messages(
        self, *, message_type: str | None = None, sort: str | Sequence[str] | None = None
    ) -> list[Message]:
        params = list_query({"message_type": message_type}, sort=sort)
        return await self._all("/v3/me/messages", _message, params)


async def _no_items() -> AsyncIterator[Any]:
    """An empty id list asks for nothing; `filter[unit]=` would be a 400."""
    return
    yield
