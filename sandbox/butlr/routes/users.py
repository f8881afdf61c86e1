"""User preferences and the supported-language list.

Neither path is printed in the reference. Languages need no bearer token, as the reference
shows no "Authorizations:" line for them.
"""

from __future__ import annotations

from aiohttp import web

from concierge.sandbox.butlr.auth import public
from concierge.sandbox.butlr.errors import invalid, reject_unknown_keys
from concierge.sandbox.butlr.state import grant_of, state_of
from concierge.sandbox.butlr.validation import check_query, read_object, string

routes = web.RouteTableDef()
DEFAULT_LANGUAGE = "en-US"


# Reference silent/contradictory: no paths; /api/v2/users/preferences and /api/v2/languages.
@routes.get("/api/v2/users/preferences")
async def get_preferences(request: web.Request) -> web.Response:
    check_query(request, ())
    state = state_of(request)
    language = state.preferences.get(grant_of(request).subject, DEFAULT_LANGUAGE)
    return web.json_response({"language": language})


@routes.put("/api/v2/users/preferences")
async def update_preferences(request: web.Request) -> web.Response:
    check_query(request, ())
    state = state_of(request)
    body = await read_object(request)
    reject_unknown_keys(body, ("language",), "preference fields")
    language = string(body, "language")
    if language not in state.languages:
        raise invalid(f"language must be one of {sorted(state.languages)}")
    state.preferences[grant_of(request).subject] = language
    return web.json_response({"language": language})


@routes.get("/api/v2/languages")
@public
async def list_languages(request: web.Request) -> web.Response:
    check_query(request, ())
    return web.json_response(
        {"default": DEFAULT_LANGUAGE, "languages": dict(state_of(request).languages)}
    )
