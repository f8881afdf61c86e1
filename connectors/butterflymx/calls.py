"""v3 intercom calls and their live status: the records and `client.calls`."""

from __future__ import annotations

import builtins
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Self

from concierge.connectors.butterflymx.core import (
    FilterValue,
    Resource,
    chunks,
    list_query,
    segment,
)
from concierge.connectors.butterflymx.jsonapi import (
    NOTHING_INCLUDED,
    Included,
    id_of,
    joined,
    resource,
)


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
            unit_id=id_of(res.one("unit")),
            building_id=id_of(res.one("building")),
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
            call_id=id_of(call_ref),
            call=Call.from_json(call) if call is not None else None,
        )


def _call(raw: Any, _: Included) -> Call:
    return Call.from_json(raw)


class Calls(Resource):
    async def list(
        self,
        *,
        unit_ids: Iterable[str | int] | None = None,
        filters: Mapping[str, FilterValue] | None = None,
        sort: str | Sequence[str] | None = None,
    ) -> list[Call]:
        """Intercom calls to the user's units, newest first (per batch of unit ids);
        `filters`: `call_type`, `notification_type`, `guid`."""
        params = list_query(filters, sort=sort)
        return await self._core.all_batched("/v3/me/calls", _call, params, "unit", unit_ids)

    async def created_since(
        self, since: datetime, *, unit_ids: Iterable[str | int]
    ) -> builtins.list[Call]:
        """Calls to these units that rang at or after `since`, oldest first, each with its
        current status (the webhook back-fill); the list names no unit or building."""
        found: builtins.list[Call] = []
        for chunk in chunks(unit_ids):
            params = [("filter[unit]", joined(chunk))]
            found += await self._core.created_since(
                "/v3/me/calls", _call, params, since, lambda c: c.created_at
            )
        return sorted(found, key=lambda c: c.created_at)

    async def get_status(self, call_guid: str) -> CallStatus:
        """Where a call is in its lifecycle, with the call (and its panel) included."""
        return await self._core.one(
            f"/v3/me/calls/{segment(call_guid)}/status", CallStatus.from_json
        )
