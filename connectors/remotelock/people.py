"""Access persons (users and guests, with PINs): the record and `client.people`.

Kept for the mutations issue: guests are RemoteLock's visitor keys (create, update with
a new PIN or window, deactivate to revoke).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from concierge.connectors.remotelock.core import (
    UNSET,
    Resource,
    Unset,
    body,
    given,
    query,
    segment,
    wall_time,
)
from concierge.connectors.remotelock.fields import resource, restricted_actions

PERSON_STATUSES = ("current", "upcoming", "deactivated", "expired")
ALL_STATUSES = PERSON_STATUSES


@dataclass(frozen=True)
class AccessPerson:
    """An `access_user` (resident, staff) or `access_guest` (visitor with a time window)."""

    id: str
    type: str  # access_user | access_guest
    name: str
    status: str  # current | upcoming | expired | deactivated
    email: str | None
    phone: str | None
    department: str | None
    rental_source: str | None
    starts_at: datetime | None  # guests only: wall-clock time at the location, no zone
    ends_at: datetime | None
    created_at: datetime | None
    updated_at: datetime | None
    pin: str | None = field(default=None, repr=False)
    card_number: str | None = field(default=None, repr=False)
    restricted_actions: tuple[str, ...] = ()

    @property
    def is_guest(self) -> bool:
        return self.type == "access_guest"

    @classmethod
    def from_json(cls, data: object, where: str = "access_person") -> AccessPerson:
        kind, ident, a, meta = resource(data, where)
        return cls(
            id=ident,
            type=kind,
            name=a.text("name"),
            status=a.text("status"),
            email=a.opt_text("email"),
            phone=a.opt_text("phone"),
            department=a.opt_text("department"),
            rental_source=a.opt_text("rental_source"),
            starts_at=a.opt_wall_time("starts_at"),
            ends_at=a.opt_wall_time("ends_at"),
            created_at=a.opt_instant("created_at"),
            updated_at=a.opt_instant("updated_at"),
            pin=a.opt_text("pin"),
            card_number=a.opt_text("card_number"),
            restricted_actions=restricted_actions(meta),
        )


def _credentials(pin: str | None, generate_pin: bool, card_number: str | None) -> dict[str, Any]:
    # Decision: the vendor's "one of them is required" is checked here, before any call.
    if not (pin or generate_pin or card_number):
        raise ValueError("an access person needs a pin, generate_pin=True or a card_number")
    # Reference silent on pin + generate_pin together: the sandbox lets generation win.
    return given(
        pin=pin or UNSET,
        generate_pin=generate_pin or UNSET,
        card_number=card_number or UNSET,
    )


class People(Resource):
    async def list(
        self,
        *,
        statuses: Sequence[str] | None = None,
        types: Sequence[str] | None = None,
        ids: Iterable[str] | None = None,
        sort: str | Sequence[str] | None = None,
    ) -> list[AccessPerson]:
        """Users and guests. Without `statuses` the vendor lists only current and upcoming
        persons; pass `ALL_STATUSES` for a full sync (expired and deactivated too)."""
        params = query(types=types, sort=sort, filters={"status": statuses})
        return await self._core.all(
            "/access_persons", AccessPerson.from_json, "access_persons", params, ids=ids
        )

    async def get(self, person_id: str) -> AccessPerson:
        return await self._core.one(
            "GET", f"/access_persons/{segment(person_id)}", AccessPerson.from_json, "access_person"
        )

    async def create_guest(
        self,
        name: str,
        *,
        starts_at: datetime,
        ends_at: datetime,
        pin: str | None = None,
        generate_pin: bool = False,
        card_number: str | None = None,
        email: str | None = None,
        department: str | None = None,
    ) -> AccessPerson:
        """A visitor for a window given in the location's wall-clock time (naive datetimes)."""
        attributes = {
            "name": name,
            "starts_at": wall_time(starts_at, "starts_at"),
            "ends_at": wall_time(ends_at, "ends_at"),
            **_credentials(pin, generate_pin, card_number),
        }
        attributes |= given(email=email or UNSET, department=department or UNSET)
        return await self._create("access_guest", attributes)

    async def _create(self, kind: str, attributes: dict[str, Any]) -> AccessPerson:
        # A create is never retried: a lost answer and a resend would make two persons.
        return await self._core.one(
            "POST",
            "/access_persons",
            AccessPerson.from_json,
            "access_person",
            json_body=body(attributes, kind),
            idempotent=False,
        )

    async def update(
        self,
        person_id: str,
        *,
        name: str | Unset = UNSET,
        email: str | Unset | None = UNSET,
        pin: str | Unset | None = UNSET,
        generate_pin: bool = False,
        card_number: str | Unset | None = UNSET,
        department: str | Unset | None = UNSET,
        starts_at: datetime | Unset = UNSET,
        ends_at: datetime | Unset = UNSET,
    ) -> AccessPerson:
        """Change a current or upcoming person (deactivated and expired ones are read-only)."""
        attributes = given(
            name=name, email=email, pin=pin, card_number=card_number, department=department
        )
        if generate_pin:
            attributes["generate_pin"] = True
        if not isinstance(starts_at, Unset):
            attributes["starts_at"] = wall_time(starts_at, "starts_at")
        if not isinstance(ends_at, Unset):
            attributes["ends_at"] = wall_time(ends_at, "ends_at")
        return await self._core.one(
            "PUT",
            f"/access_persons/{segment(person_id)}",
            AccessPerson.from_json,
            "access_person",
            json_body=body(attributes),
            # A generated PIN differs on every call; fixed values are safe to resend.
            idempotent=not generate_pin,
        )

    async def deactivate(self, person_id: str) -> AccessPerson:
        """Take the person off every lock but keep their history (recommended over delete)."""
        # Deactivating twice is a no-op: safe to retry.
        return await self._core.one(
            "PUT",
            f"/access_persons/{segment(person_id)}/deactivate",
            AccessPerson.from_json,
            "access_person",
            idempotent=True,
        )

    async def delete(self, person_id: str) -> None:
        """Remove a person for good, history too (only for one that never opened a door)."""
        await self._core.nothing("DELETE", f"/access_persons/{segment(person_id)}", idempotent=True)
