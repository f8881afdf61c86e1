"""The signed-in user, the current account, and the device model catalogue."""

from __future__ import annotations

from aiohttp import web

from concierge.sandbox.remotelock.core import core_of
from concierge.sandbox.remotelock.jsonapi import one, read_body
from concierge.sandbox.remotelock.listing import CollectionSpec, collection
from concierge.sandbox.remotelock.routes.common import Route, found
from concierge.sandbox.remotelock.store import touch
from concierge.sandbox.remotelock.validation import Fields

MODEL_SPEC = CollectionSpec(sortable=("number",), types=("model",), filters=("type",))


async def get_user(request: web.Request) -> web.Response:
    core = core_of(request)
    return one(core.view(request).render(core.store.user))


async def get_account(request: web.Request) -> web.Response:
    core = core_of(request)
    return one(core.view(request).render(core.store.account))


async def update_account(request: web.Request) -> web.Response:
    core = core_of(request)
    body = await read_body(request)
    fields = Fields(body.attributes)
    if fields.given("name"):
        fields.text("name", required=True)
    for name in ("default_guest_start_time", "default_guest_end_time"):
        if fields.given(name) and fields.attributes[name] is None:
            fields.problems.add(name, "can't be blank")
        fields.time(name)
    fields.problems.raise_if_any()
    account = core.store.account
    account.attributes.update(fields.changes)
    touch(account, core.clock)
    return one(core.view(request).render(account))


async def list_models(request: web.Request) -> web.Response:
    core = core_of(request)
    view = core.view(request)
    return collection(request, (view.render(m) for m in core.store.models.values()), MODEL_SPEC)


async def get_model(request: web.Request) -> web.Response:
    core = core_of(request)
    return one(
        core.view(request).render(found(core.store.models, request.match_info["id"], "Model"))
    )


ROUTES: list[Route] = [
    ("GET", "/user", get_user),
    ("GET", "/account", get_account),
    ("PUT", "/account", update_account),
    ("GET", "/models", list_models),
    ("GET", "/models/{id}", get_model),
]
