"""Fixtures under a space (list, add, get, update, remove) and the fixture-type catalogue.

Fixtures nest under their space, as every fixture operation takes `space_id`. List Fixtures
documents a request body; we ignore one. Fixture types are not validated, as the samples use
unlisted ones (desk, placeholdersensor).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from aiohttp import web

from concierge.sandbox.butlr import ids
from concierge.sandbox.butlr.catalog import FIXTURE_TYPES, type_list
from concierge.sandbox.butlr.errors import invalid, reject_unknown_keys
from concierge.sandbox.butlr.pagination import page
from concierge.sandbox.butlr.records import FixtureRec
from concierge.sandbox.butlr.render import fixture_doc
from concierge.sandbox.butlr.state import state_of
from concierge.sandbox.butlr.validation import (
    check_query,
    number,
    numbers,
    point,
    read_array,
    read_single,
    string,
)

routes = web.RouteTableDef()
FIELDS = ("type", "center", "rotation", "scale")


def _fixture_changes(body: Mapping[str, Any], *, require_all: bool) -> dict[str, Any]:
    reject_unknown_keys(body, (*FIELDS, "local_id", "id"), "fixture fields")
    if require_all and any(key not in body for key in FIELDS):
        raise invalid(f"a fixture needs {', '.join(FIELDS)}")
    changes: dict[str, Any] = {}
    if "type" in body:
        changes["type"] = string(body, "type").strip()
    if "center" in body:
        changes["center"] = point(body, "center")
    if "rotation" in body:
        changes["rotation"] = number(body, "rotation")
    if "scale" in body:
        changes["scale"] = numbers(body, "scale", 3)
    return changes


@routes.get("/api/v2/fixture-types")
async def list_fixture_types(request: web.Request) -> web.Response:
    return type_list(request, FIXTURE_TYPES, "fixture-types")


# Reference silent/contradictory: fixture paths are ambiguous; we nest them under the space.
@routes.get("/api/v2/spaces/{space_id}/fixtures")
async def list_fixtures(request: web.Request) -> web.Response:
    check_query(request, ("cursor", "limit"))
    store = state_of(request).store
    space = store.space(request.match_info["space_id"])
    return page(
        request, store.fixtures_in(space.id), f"fixtures:{space.id}", lambda f: f.seq, fixture_doc
    )


@routes.post("/api/v2/spaces/{space_id}/fixtures")
async def add_fixtures(request: web.Request) -> web.Response:
    check_query(request, ())
    store = state_of(request).store
    space = store.space(request.match_info["space_id"])
    batch = [_fixture_changes(item, require_all=True) for item in await read_array(request)]
    fixtures = [
        FixtureRec(
            id=ids.ksuid(store.rng, "fixture"), space_id=space.id, seq=store.next_seq(), **changes
        )
        for changes in batch
    ]
    for fixture in fixtures:
        store.add(fixture)
    # Reference silent/contradictory: Add Fixture shows no success body; we return the fixtures.
    return web.json_response([fixture_doc(f) for f in fixtures], status=201)


@routes.get("/api/v2/spaces/{space_id}/fixtures/{fixture_id}")
async def get_fixture(request: web.Request) -> web.Response:
    check_query(request, ())
    store = state_of(request).store
    fixture = store.fixture(request.match_info["space_id"], request.match_info["fixture_id"])
    return web.json_response(fixture_doc(fixture))


@routes.patch("/api/v2/spaces/{space_id}/fixtures/{fixture_id}")
async def update_fixture(request: web.Request) -> web.Response:
    """The body is documented as a one-item array (an object works too); answers the object."""
    check_query(request, ())
    store = state_of(request).store
    fixture = store.fixture(request.match_info["space_id"], request.match_info["fixture_id"])
    for attribute, value in _fixture_changes(await read_single(request), require_all=False).items():
        setattr(fixture, attribute, value)
    return web.json_response(fixture_doc(fixture))


@routes.delete("/api/v2/spaces/{space_id}/fixtures/{fixture_id}")
async def remove_fixture(request: web.Request) -> web.Response:
    check_query(request, ())
    store = state_of(request).store
    fixture = store.fixture(request.match_info["space_id"], request.match_info["fixture_id"])
    del store.fixtures[fixture.id]
    return web.Response(status=204)
