"""Resident account linking (ButterflyMX authorization-code flow): `/link/butterflymx/start`,
`/link/butterflymx/callback`, and `/link/butterflymx` (status, refreshing when due)."""

from __future__ import annotations

import logging
from collections.abc import Callable

from starlette.requests import Request
from starlette.responses import JSONResponse, RedirectResponse, Response
from starlette.routing import Route

from concierge.connectors.butterflymx.auth import ButterflyMXAuth
from concierge.connectors.errors import VendorError
from concierge.connectors.http import VendorHTTP
from concierge.connectors.tokens import TokenSet
from concierge.resolvers.principals import Principal
from concierge.resolvers.residents import ResidentLinks, ResidentNotLinkedError
from concierge.resolvers.store.sql import SqlStore
from concierge.server.auth import Authenticator, AuthError

log = logging.getLogger(__name__)
VENDOR = "butterflymx"


class Linking:
    """Built by the lifespan once the store and vendors are known."""

    def __init__(
        self,
        store: SqlStore,
        auth_for: Callable[[str], ButterflyMXAuth],
        authenticator: Authenticator,
        redirect_uri: str | None,
    ) -> None:
        self.store = store
        self._auth_for = auth_for
        self.authenticator = authenticator
        self.redirect_uri = redirect_uri
        self.residents = ResidentLinks(store.tokens, self._refresh)

    async def _refresh(self, refresh_token: str) -> TokenSet:
        return await self._auth_for(self.redirect_uri or "").refresh(refresh_token)


def link_routes(linking: Callable[[], Linking | None]) -> list[Route]:
    async def who(request: Request) -> tuple[Linking, Principal] | Response:
        link = linking()
        if link is None:
            return _error(503, "STARTING", "The server is starting.")
        try:
            principal = await link.authenticator.authenticate(request.headers)
        except AuthError as exc:
            return _error(401, "UNAUTHENTICATED", str(exc))
        return link, principal

    def callback_uri(link: Linking, request: Request) -> str:
        return link.redirect_uri or str(request.url_for("link_butterflymx_callback"))

    async def start(request: Request) -> Response:
        found = await who(request)
        if isinstance(found, Response):
            return found
        link, principal = found
        state = await link.store.link_states.issue(principal.id, VENDOR)
        url = link._auth_for(callback_uri(link, request)).authorize_url(state=state)
        if request.query_params.get("redirect") == "1":
            return RedirectResponse(url, status_code=302)
        return JSONResponse({"authorize_url": url})

    async def callback(request: Request) -> Response:
        link = linking()
        if link is None:
            return _error(503, "STARTING", "The server is starting.")
        state = request.query_params.get("state", "")
        code = request.query_params.get("code", "")
        principal = await link.store.link_states.consume(state, VENDOR) if state else None
        if principal is None:
            return _error(400, "INVALID_STATE", "Unknown, expired or already used state.")
        if not code:
            return _error(400, "LINK_REFUSED", request.query_params.get("error", "no code"))
        try:
            tokens = await link._auth_for(callback_uri(link, request)).exchange_code(
                code, callback_uri(link, request)
            )
        except VendorError as exc:
            log.warning("ButterflyMX code exchange failed: %s", type(exc).__name__)
            return _error(502, "VENDOR_AUTH", "ButterflyMX refused the authorization code.")
        await link.residents.link(principal, tokens)
        return JSONResponse({"linked": True})

    async def status(request: Request) -> Response:
        found = await who(request)
        if isinstance(found, Response):
            return found
        link, principal = found
        try:
            await link.residents.access_token(principal.id)
        except ResidentNotLinkedError as exc:
            return JSONResponse(
                {"linked": False, "code": exc.code, "message": exc.message, "relink": exc.relink},
                status_code=409,
            )
        except VendorError:
            return _error(502, "VENDOR_UNAVAILABLE", "ButterflyMX did not answer.")
        return JSONResponse({"linked": True})

    return [
        Route("/link/butterflymx/start", start, methods=["GET", "POST"]),
        Route("/link/butterflymx/callback", callback, name="link_butterflymx_callback"),
        Route("/link/butterflymx", status),
    ]


def _error(status: int, code: str, message: str) -> Response:
    return JSONResponse({"errors": [{"message": message, "extensions": {"code": code}}]}, status)


def auth_factory(
    http: VendorHTTP, auth_url: str, client_id: str, client_secret: str
) -> Callable[[str], ButterflyMXAuth]:
    def build(redirect_uri: str) -> ButterflyMXAuth:
        return ButterflyMXAuth(
            http,
            auth_url,
            client_id=client_id,
            client_secret=client_secret,
            redirect_uri=redirect_uri or None,
        )

    return build
