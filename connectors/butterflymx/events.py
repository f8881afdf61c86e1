"""v3 door releases (who opened which door, how): the record and `client.door_releases`."""

from __future__ import annotations

import builtins
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Self

from concierge.connectors.butterflymx.core import (
    FilterValue,
    Resource,
    id_list,
    list_query,
    segment,
)
from concierge.connectors.butterflymx.jsonapi import Included, id_of, resource


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
            unit_id=id_of(res.one("unit")),
            user_id=id_of(res.one("user")),
            building_id=id_of(res.one("building")),
        )


def _door_release(raw: Any, _: Included) -> DoorRelease:
    return DoorRelease.from_json(raw)


class DoorReleases(Resource):
    async def list(
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
        # The reference shows both `filter[unit]=` and bare `unit_id=`; we send the
        # JSON:API form, which both door release lists accept.
        params = list_query({**(filters or {}), "user": users}, sort=sort)
        return await self._core.all_batched(
            "/v3/door_releases", _door_release, params, "unit", unit_ids
        )

    async def list_mine(
        self,
        *,
        unit_ids: Iterable[str | int] | None = None,
        filters: Mapping[str, FilterValue] | None = None,
        sort: str | Sequence[str] | None = None,
    ) -> builtins.list[DoorRelease]:
        """`/v3/me/door_releases`, the resident's view: no unit, user or panel user type."""
        # kept: the resident app's door release list (a named door release list to keep).
        params = list_query(filters, sort=sort)
        return await self._core.all_batched(
            "/v3/me/door_releases", _door_release, params, "unit", unit_ids
        )

    async def created_since(self, since: datetime) -> builtins.list[DoorRelease]:
        """`/v3/door_releases` recorded at or after `since`, oldest first, with unit and
        user (the webhook back-fill)."""
        return await self._core.created_since(
            "/v3/door_releases", _door_release, [], since, lambda d: d.created_at
        )

    async def get(self, door_release_id: str | int) -> DoorRelease:
        return await self._core.one(f"/v3/door_releases/{segment(door_release_id)}", _door_release)
