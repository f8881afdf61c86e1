"""Access persons: users and guests, their PINs, deactivation, deletion and the access email."""

from __future__ import annotations

import re
from datetime import datetime, timedelta

from aiohttp import web

from concierge.sandbox.remotelock.core import Core, core_of
from concierge.sandbox.remotelock.errors import single
from concierge.sandbox.remotelock.jsonapi import no_content, one, read_body
from concierge.sandbox.remotelock.listing import CollectionSpec, collection
from concierge.sandbox.remotelock.pins import PIN_LENGTHS, generate_pin, pin_taken
from concierge.sandbox.remotelock.resources import PERSON_TYPES, person_status
from concierge.sandbox.remotelock.routes.common import Route, check_type, found
from concierge.sandbox.remotelock.store import Record, touch
from concierge.sandbox.remotelock.validation import TAKEN, Fields

STATUSES = ("current", "upcoming", "deactivated", "expired")
SPEC = CollectionSpec(
    sortable=("created_at", "updated_at", "name", "department", "starts_at", "ends_at"),
    default_sort=("created_at",),
    types=PERSON_TYPES,
    filters=("status",),
    filter_values={"status": STATUSES},
    # Documented: without a status filter only current and upcoming persons are listed.
    default_filters={"status": ("current", "upcoming")},
)
# Reference silent: PIN rules are undocumented; we take 4 to 8 digits, unique in the account.
_PIN = re.compile(rf"^\d{{{PIN_LENGTHS.start},{PIN_LENGTHS.stop - 1}}}$")
_CREDENTIAL_REQUIRED = "pin, generate_pin or card_number is required"


def _person(core: Core, request: web.Request) -> Record:
    return found(core.store.access_persons, request.match_info["id"], "Access person")


def _read(core: Core, fields: Fields, kind: str, person: Record | None) -> None:
    """Validate create/update attributes for `kind`; `person` is None when creating."""
    creating = person is None
    fields.text("name", required=creating or fields.given("name"))
    fields.email("email")
    fields.text("department")
    fields.text("card_number", max_length=64)
    fields.text(
        "pin", pattern=_PIN, message=f"must be {PIN_LENGTHS.start} to {PIN_LENGTHS.stop - 1} digits"
    )
    fields.boolean("generate_pin")
    pin = fields.changes.get("pin")
    if pin is not None and pin_taken(core.store, pin, None if person is None else person.id):
        fields.problems.add("pin", TAKEN)
    if creating and not (
        pin or fields.changes.get("generate_pin") or fields.changes.get("card_number")
    ):
        fields.problems.add(None, _CREDENTIAL_REQUIRED)
    if kind != "access_guest":
        # An access user has no window; starts_at/ends_at are not parameters of a user.
        return
    for name in ("starts_at", "ends_at"):
        fields.timestamp(name, required=creating or fields.given(name))
    current = {} if person is None else person.attributes
    starts = fields.changes.get("starts_at", current.get("starts_at"))
    ends = fields.changes.get("ends_at", current.get("ends_at"))
    if starts and ends and ends <= starts:
        fields.problems.add("ends_at", "must be after starts_at")


def _apply_pin(core: Core, fields: Fields) -> None:
    # Reference silent: pin and generate_pin together are undocumented; generating wins.
    if fields.changes.pop("generate_pin", False):
        fields.changes["pin"] = generate_pin(core.store, core.ids)


async def list_persons(request: web.Request) -> web.Response:
    core = core_of(request)
    view = core.view(request)
    return collection(request, (view.render(p) for p in core.store.access_persons.values()), SPEC)


async def get_person(request: web.Request) -> web.Response:
    core = core_of(request)
    return one(core.view(request).render(_person(core, request)))


async def create_person(request: web.Request) -> web.Response:
    core = core_of(request)
    body = await read_body(request)
    fields = Fields(body.attributes)
    kind = check_type(body.type, PERSON_TYPES, fields.problems, required=True)
    _read(core, fields, kind or "access_user", None)
    fields.problems.raise_if_any()
    assert kind is not None
    _apply_pin(core, fields)
    now = core.now_iso()
    changes = fields.changes
    attributes = {
        "name": changes["name"],
        "email": changes.get("email"),
        "phone": None,
        "pin": changes.get("pin"),
        "card_number": changes.get("card_number"),
        "department": changes.get("department"),
        "status": "current",
        "rental_source": None,
        "created_at": now,
        "updated_at": now,
    }
    if kind == "access_guest":
        attributes |= {"starts_at": changes["starts_at"], "ends_at": changes["ends_at"]}
    record = core.store.add(core.store.access_persons, Record(kind, core.ids.uuid(), attributes))
    return one(core.view(request).render(record), 201)


def _refuse_if_restricted(core: Core, person: Record, action: str) -> None:
    status = person_status(core.store, person, core.clock.now())
    if status in ("deactivated", "expired"):
        # Reference silent: the status of a restricted action is undocumented; we answer 422.
        raise single(person.attributes, None, f"Access person is {status} and cannot be {action}")


async def update_person(request: web.Request) -> web.Response:
    core = core_of(request)
    person = _person(core, request)
    body = await read_body(request)
    _refuse_if_restricted(core, person, "updated")
    fields = Fields(body.attributes)
    _read(core, fields, person.type, person)
    fields.problems.raise_if_any()
    _apply_pin(core, fields)
    person.attributes.update(fields.changes)
    touch(person, core.clock)
    return one(core.view(request).render(person))


async def deactivate_person(request: web.Request) -> web.Response:
    core = core_of(request)
    person = _person(core, request)
    if person.attributes["status"] != "deactivated":
        person.attributes["status"] = "deactivated"
        touch(person, core.clock)
    return one(core.view(request).render(person))


async def delete_person(request: web.Request) -> web.Response:
    core = core_of(request)
    store = core.store
    person = _person(core, request)
    # Reference silent: what a hard delete takes along is undocumented; we drop the person's
    # accesses and the subscriptions that name them as publisher.
    for access in [
        a for a in store.accesses.values() if a.attributes["access_person_id"] == person.id
    ]:
        del store.accesses[access.id]
    for sub in [
        s for s in store.subscriptions.values() if s.attributes["publisher_id"] == person.id
    ]:
        del store.subscriptions[sub.id]
    # Documented: events keep the name of an associated resource once it is deleted.
    for event in store.events.values():
        if event.attributes.get("associated_resource_id") == person.id:
            event.attributes["associated_resource_name"] = person.attributes["name"]
    del store.access_persons[person.id]
    return no_content()


async def notify_person(request: web.Request) -> web.Response:
    core = core_of(request)
    person = _person(core, request)
    body = await read_body(request)
    fields = Fields(body.attributes)
    fields.integer("days_before", minimum=0, maximum=365)
    if not person.attributes["email"]:
        fields.problems.add("email", "can't be blank")
    fields.problems.raise_if_any()
    _refuse_if_restricted(core, person, "notified")
    now = core.clock.now()
    send_at = now
    days = fields.changes.get("days_before")
    if days is not None and "starts_at" in person.attributes:
        starts = datetime.fromisoformat(person.attributes["starts_at"]).replace(tzinfo=now.tzinfo)
        send_at = max(now, starts - timedelta(days=days))
    core.store.emails_sent.append(
        {
            "access_person_id": person.id,
            "email": person.attributes["email"],
            "requested_at": now.isoformat(),
            "send_at": send_at.isoformat(),
        }
    )
    # Documented: 200 with no body.
    return web.Response(status=200)


ROUTES: list[Route] = [
    ("GET", "/access_persons", list_persons),
    ("GET", "/access_persons/{id}", get_person),
    ("POST", "/access_persons", create_person),
    ("PUT", "/access_persons/{id}", update_person),
    ("PUT", "/access_persons/{id}/deactivate", deactivate_person),
    ("DELETE", "/access_persons/{id}", delete_person),
    ("POST", "/access_persons/{id}/email/notify", notify_person),
]
