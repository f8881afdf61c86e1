"""Butlr's fixed catalogues: room types and fixture types, verbatim from the reference."""

from __future__ import annotations

from aiohttp import web

from concierge.sandbox.butlr.errors import invalid
from concierge.sandbox.butlr.pagination import page
from concierge.sandbox.butlr.validation import check_query

# Verbatim, trailing spaces and typos included ("Bedroom ", "Kitchennete / Bar").
ROOM_TYPES = (
    ("entrance", "Entrance Hall"),
    ("livingroom", "Living Room"),
    ("diningroom", "Dining Room"),
    ("bedroom", "Bedroom "),
    ("bedroom2", "Second / Guest bedrooms"),
    ("bathroom", "Bathroom"),
    ("bathroom2", "Second / Guests' Bathroom"),
    ("wc", "Small Bathroom/Washroom"),
    ("kitchen", "Kitchen"),
    ("pantry", "Pantry"),
    ("storage", "Storage"),
    ("closet", "Walk-in closets/Wardrobe"),
    ("balcony", "Balcony"),
    ("scullery", "Scullery"),
    ("library", "Library"),
    ("laundry", "Laundry Room"),
    ("office", "Office"),
    ("clearing", "Clearing"),
    ("smokehouse", "Smokehouse"),
    ("kitchenette", "Kitchennete / Bar"),
    ("stairs", "Stairs"),
    ("spa", "Spa"),
    ("garbage", "Garbage Room"),
    ("garage", "Garage"),
    ("patio", "Patio"),
    ("gym", "Gym"),
    ("antechamber", "Antechamber"),
    ("extcirculation", "External Circulation "),
    ("intcirculation", "Internal Circulation "),
    ("hall", "Hall"),
    ("em", "Electromechanical Equipment Room"),
    ("hyd", "Hydraulics Room"),
    ("elevator", "Elevator"),
    ("attic", "Attic"),
    ("gamesroom", "Games Room"),
)
FIXTURE_TYPES = (
    ("wall", "Wall"),
    ("chair", "Chair"),
    ("door", "Door"),
    ("table", "Table"),
    ("sofa", "Sofa"),
    ("box", "Box"),
    ("roundtable", "Round Table"),
    ("sink", "Sink"),
    ("toilet", "Toilet"),
    ("bed", "Bed"),
)
LANGS = ("en-US", "pt-PT", "fr-FR")


def type_list(request: web.Request, items: tuple[tuple[str, str], ...], key: str) -> web.Response:
    """A type catalogue in the list envelope."""
    # Reference silent/contradictory: no translations are given; every `lang` answers in English.
    check_query(request, ("lang", "cursor", "limit"))
    if request.query.get("lang", "en-US") not in LANGS:
        raise invalid(f"lang must be one of {LANGS}")
    indexed = list(enumerate(items))
    return page(
        request,
        indexed,
        key,
        lambda item: item[0],
        lambda item: {"key": item[1][0], "name": item[1][1]},
    )
