"""Access persons (users and guests with PINs), their accesses, and schedules."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from datetime import datetime, time
from typing import Any

from connectors.remotelock.api import (
    UNSET,
    ApiBase,
    Unset,
    body,
    given,
    query,
    time_of_day,
    wall_time,
)
from connectors.remotelock.models import DAYS, PERSON_STATUSES, Access, AccessPerson, Schedule

ALL_STATUSES = PERSON_STATUSES


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


class PeopleApi(ApiBase):
    async def list_access_persons(
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
        return await self._all(
            "/access_persons", AccessPerson.from_json, "access_persons", params, ids=ids
        )

    async def get_access_person(self, person_id: str) -> AccessPerson:
        return await self._one(
            "GET", f"/access_persons/{person_id}", AccessPerson.from_json, "access_person"
        )

    async def create_access_user(
        self,
        name: str,
        *,
        pin: str | None = None,
        generate_pin: bool = False,
        card_number: str | None = None,
        email: str | None = None,
        department: str | None = None,
    ) -> AccessPerson:
        """A resident or staff member; one of `pin`, `generate_pin`, `card_number` is needed."""
        attributes = {"name": name, **_credentials(pin, generate_pin, card_number)}
        attributes |= given(email=email or UNSET, department=department or UNSET)
        return await self._create_person("access_user", attributes)

    async def create_access_guest(
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
        return await self._create_person("access_guest", attributes)

    async def _create_person(self, kind: str, attributes: dict[str, Any]) -> AccessPerson:
        # A create is never retried: a lost answer and a resend would make two persons.
        return await self._one(
            "POST",
            "/access_persons",
            AccessPerson.from_json,
            "access_person",
            json_body=body(attributes, kind),
            idempotent=False,
        )

    async def update_access_person(
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
        return await self._one(
            "PUT",
            f"/access_persons/{person_id}",
            AccessPerson.from_json,
            "access_person",
            json_body=body(attributes),
            # A generated PIN differs on every call; fixed values are safe to resend.
            idempotent=not generate_pin,
        )

    async def deactivate_access_person(self, person_id: str) -> AccessPerson:
        """Take the person off every lock but keep their history (recommended over delete)."""
        # Deactivating twice is a no-op: safe to retry.
        return await self._one(
            "PUT",
            f"/access_persons/{person_id}/deactivate",
            AccessPerson.from_json,
            "access_person",
            idempotent=True,
        )

    async def delete_access_person(self, person_id: str) -> None:
        """Delete for good; events keep the name in `associated_resource_name`."""
        await self._nothing("DELETE", f"/access_persons/{person_id}", idempotent=True)

    async def send_access_instructions(
        self, person_id: str, *, days_before: int | None = None
    ) -> None:
        """Email the access instructions now, or `days_before` a guest's start.

        The vendor never emails guests by itself. Not retried: a resend is a second email.
        """
        attributes = {} if days_before is None else {"days_before": days_before}
        await self._nothing(
            "POST",
            f"/access_persons/{person_id}/email/notify",
            json_body=body(attributes),
            idempotent=False,
        )

    # -- accesses ------------------------------------------------------------------------------

    async def list_accesses(
        self,
        person_id: str,
        *,
        accessible_type: str | None = None,
        accessible_id: str | None = None,
    ) -> list[Access]:
        params = query(filters={"accessible_type": accessible_type, "accessible_id": accessible_id})
        return await self._all(
            f"/access_persons/{person_id}/accesses", Access.from_json, "accesses", params
        )

    async def get_access(self, person_id: str, access_id: str) -> Access:
        return await self._one(
            "GET", f"/access_persons/{person_id}/accesses/{access_id}", Access.from_json, "access"
        )

    async def grant_access(
        self,
        person_id: str,
        *,
        accessible_type: str,
        accessible_id: str,
        access_schedule_id: str | None = None,
        guest_start_time: time | None = None,
        guest_end_time: time | None = None,
    ) -> Access:
        """Let the person open a `lock`, every lock at a `location`, an `acs_door` or a
        `door_group`. Locks receive the credential asynchronously (see the sync counts)."""
        attributes: dict[str, Any] = {
            "accessible_type": accessible_type,
            "accessible_id": accessible_id,
        }
        attributes |= given(
            access_schedule_id=access_schedule_id or UNSET,
            guest_start_time=time_of_day(guest_start_time) or UNSET,
            guest_end_time=time_of_day(guest_end_time) or UNSET,
        )
        return await self._one(
            "POST",
            f"/access_persons/{person_id}/accesses",
            Access.from_json,
            "access",
            json_body=body(attributes),
            idempotent=False,
        )

    async def update_access(
        self, person_id: str, access_id: str, *, access_schedule_id: str | None
    ) -> Access:
        """Only the schedule can change (None removes it); revoke and grant to move it."""
        return await self._one(
            "PUT",
            f"/access_persons/{person_id}/accesses/{access_id}",
            Access.from_json,
            "access",
            json_body=body({"access_schedule_id": access_schedule_id}),
            idempotent=True,
        )

    async def revoke_access(self, person_id: str, access_id: str) -> None:
        await self._nothing(
            "DELETE", f"/access_persons/{person_id}/accesses/{access_id}", idempotent=True
        )

    # -- schedules -----------------------------------------------------------------------------

    async def list_schedules(
        self, *, types: Sequence[str] | None = None, ids: Iterable[str] | None = None
    ) -> list[Schedule]:
        return await self._all(
            "/schedules", Schedule.from_json, "schedules", query(types=types), ids=ids
        )

    async def get_schedule(self, schedule_id: str) -> Schedule:
        return await self._one("GET", f"/schedules/{schedule_id}", Schedule.from_json, "schedule")

    async def create_schedule(
        self, kind: str, name: str, days: Mapping[str, Sequence[Mapping[str, Any]]]
    ) -> Schedule:
        """A weekly schedule of `kind` (e.g. `access_schedule` with
        `{"mon": [{"start_time": "08:00", "end_time": "18:00"}]}`); days not given are empty."""
        attributes: dict[str, Any] = {"name": name, **_days(days)}
        return await self._one(
            "POST",
            "/schedules",
            Schedule.from_json,
            "schedule",
            json_body=body(attributes, kind),
            idempotent=False,
        )

    async def update_schedule(
        self,
        schedule_id: str,
        *,
        name: str | Unset = UNSET,
        days: Mapping[str, Sequence[Mapping[str, Any]]] | None = None,
    ) -> Schedule:
        """Rename or change days. Reference contradictory on whether a PUT keeps the days it
        omits, so pass every day you care about (an empty list clears one)."""
        attributes = given(name=name) | _days(days or {})
        return await self._one(
            "PUT",
            f"/schedules/{schedule_id}",
            Schedule.from_json,
            "schedule",
            json_body=body(attributes),
            idempotent=True,
        )

    async def delete_schedule(self, schedule_id: str) -> None:
        await self._nothing("DELETE", f"/schedules/{schedule_id}", idempotent=True)


def _days(days: Mapping[str, Sequence[Mapping[str, Any]]]) -> dict[str, Any]:
    unknown = set(days) - set(DAYS)
    if unknown:
        raise ValueError(f"schedule days are {', '.join(DAYS)}; got {', '.join(sorted(unknown))}")
    return {day: [dict(entry) for entry in entries] for day, entries in days.items()}
