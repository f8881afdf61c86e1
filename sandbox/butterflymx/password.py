"""Accounts API password change (`PUT`/`PATCH /api/v1/password`), with the documented 422s."""

from __future__ import annotations

import json
from typing import Any

from aiohttp import web

from concierge.sandbox.butterflymx.context import BACKEND
from concierge.sandbox.butterflymx.errors import ButterflyMXError, OAuthError
from concierge.sandbox.butterflymx.forms import read_form


class PasswordError(ButterflyMXError):
    """The password endpoint's 422: `errors` is a string or a list, as documented."""

    def __init__(self, errors: str | list[str]) -> None:
        super().__init__(422, {"errors": errors})


async def change_password(request: web.Request) -> web.Response:
    identity = request.app[BACKEND].identity
    viewer = identity.viewer(request, "accounts")
    account = await _account_params(request)
    if account.get("current_password", "") != identity.password_of(viewer.user_id):
        raise PasswordError("Wrong password")
    new, confirmation = account.get("password", ""), account.get("password_confirmation")
    problems = []
    if not new:
        problems.append("Password can't be blank")
    elif len(new) < 6:
        problems.append("Password is too short (minimum is 6 characters)")
    if confirmation is not None and confirmation != new:
        problems.append("Password confirmation doesn't match Password")
    if problems:
        raise PasswordError(problems)
    identity.passwords[viewer.user_id] = new
    return web.Response(status=204)


async def _account_params(request: web.Request) -> dict[str, str]:
    """`account[...]` fields from a form, or an `account` object from a JSON body."""
    if request.content_type == "application/json":
        try:
            body: Any = json.loads(await request.read() or b"{}")
        except (ValueError, UnicodeDecodeError):
            raise OAuthError(
                400, "invalid_request", "The request body is not valid JSON."
            ) from None
        raw = body.get("account") if isinstance(body, dict) else None
        return {str(k): str(v) for k, v in raw.items()} if isinstance(raw, dict) else {}
    form = await read_form(request)
    prefix = "account["
    return {
        k[len(prefix) : -1]: v for k, v in form.items() if k.startswith(prefix) and k.endswith("]")
    }
