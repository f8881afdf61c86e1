"""v3 units, with their building and residents when asked: the records and `client.units`."""

from __future__ import annotations

import builtins
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any, Self

from concierge.connectors.butterflymx.buildings import Building
from concierge.connectors.butterflymx.core import Resource, list_query, segment
from concierge.connectors.butterflymx.jsonapi import (
    NOTHING_INCLUDED,
    Included,
    id_of,
    ids_of,
    resource,
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
            building_id=id_of(building_ref),
            user_ids=ids_of(user_refs),
            building=Building.from_json(building, included) if building is not None else None,
            users=tuple(User.from_json(u) for u in users if u is not None),
        )


def _unit(raw: Any, included: Included) -> Unit:
    return Unit.from_json(raw, included)


class Units(Resource):
    async def list(
        self,
        *,
        building_ids: Iterable[str | int] | None = None,
        labels: Iterable[str] | None = None,
        floor_numbers: Iterable[int] | None = None,
        include_building: bool = False,
        include_users: bool = False,
        sort: str | Sequence[str] | None = None,
    ) -> builtins.list[Unit]:
        """Units the account can see.

        The vendor filters units by label, floor and type only: `building_ids` is applied
        here, after walking every page, so cache the result rather than calling per building.
        """
        included = [
            name for name, on in (("building", include_building), ("users", include_users)) if on
        ]
        params = list_query(
            {"label": labels, "floor_number": floor_numbers}, sort=sort, include=included
        )
        units = await self._core.all("/v3/units", _unit, params)
        wanted = None if building_ids is None else {str(i) for i in building_ids}
        return [u for u in units if wanted is None or u.building_id in wanted]

    async def get(
        self, unit_id: str | int, *, include_building: bool = False, include_users: bool = False
    ) -> Unit:
        # kept: webhook deliveries name only a unit; the subscriptions issue looks it up here.
        included = [
            name for name, on in (("building", include_building), ("users", include_users)) if on
        ]
        return await self._core.one(
            f"/v3/units/{segment(unit_id)}", _unit, list_query(include=included)
        )
