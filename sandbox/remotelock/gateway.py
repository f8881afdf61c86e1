"""What every API request passes before its handler: route, version, token, rate limit."""

from __future__ import annotations

import re
from collections.abc import Awaitable, Callable

from aiohttp import web
from aiohttp.typedefs import Middleware

from concierge.sandbox.remotelock.core import Core
from concierge.sandbox.remotelock.errors import ApiError, ResourceError
from concierge.sandbox.remotelock.jsonapi import MOUNT

# Order: unknown routes and wrong methods answer 404/405 first; then the `Accept` version
# (406), the bearer token (401), the account's rate limit (429); then the handler. Every
# authenticated answer carries X-RateLimit-* headers, and every failure is rendered in
# RemoteLock's general-error (or resource-error) shape.

Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]
FALLBACK_ROUTE = "remotelock-fallback"
SUPPORTED_VERSION = "1"
_VENDOR_TYPE = re.compile(r"^application/vnd\.lockstate(?:\.v(?P<v>[^+]+))?\+json$")
_TOKEN_PROBLEMS = {
    "missing": "Missing access token: send the header Authorization: Bearer <access_token>",
    "unknown": "The access token is invalid",
    "expired": "The access token expired",
    "revoked": "The access token was revoked",
}


def negotiate_version(request: web.Request) -> None:
    """Accept v1 by URL prefix, by either vendor media type, or by default (no Accept)."""
    if request.path[len(MOUNT) :].startswith("/api/v1/"):
        return
    accept = request.headers.get("Accept", "").strip()
    if not accept:
        return  # no version asked for: the latest, v1
    asked: list[str] = []
    for item in accept.split(","):
        media, *params = (part.strip() for part in item.split(";"))
        media = media.lower()
        if media in ("*/*", "application/*", "application/json"):
            return
        match = _VENDOR_TYPE.match(media)
        if match is None:
            continue
        version = match.group("v")
        for param in params:
            key, _, value = param.partition("=")
            if key.strip().lower() == "version" and version is None:
                version = value.strip().strip('"')
        if version in (None, SUPPORTED_VERSION):
            return
        asked.append(version)
    # Reference silent: an unknown version or media type is undocumented; we answer 406.
    if asked:
        message = f"API version {asked[0]} is not supported; the latest version is 1"
    else:
        message = "Not acceptable: use Accept: application/vnd.lockstate+json; version=1"
    raise ApiError(406, message, "not_acceptable")


def authenticate(core: Core, request: web.Request) -> None:
    header = request.headers.get("Authorization", "")
    scheme, _, token = header.partition(" ")
    result = core.tokens.authenticate(token.strip() if scheme.lower() == "bearer" else None)
    if isinstance(result, str):
        # Reference silent: no 401 body is documented; we use the general-error shape and the
        # RFC 6750 challenge header.
        error = "invalid_request" if result == "missing" else "invalid_token"
        challenge = f'Bearer realm="RemoteLock", error="{error}"'
        raise ApiError(
            401, _TOKEN_PROBLEMS[result], "unauthorized", {"WWW-Authenticate": challenge}
        )


def _http_error(exc: web.HTTPException) -> ApiError:
    kind = re.sub(r"[^a-z]+", "_", exc.reason.lower()).strip("_")
    return ApiError(exc.status, exc.reason, kind, {})


def gateway(core: Core) -> Middleware:
    @web.middleware
    async def remotelock_gateway(request: web.Request, handler: Handler) -> web.StreamResponse:
        relative = request.path[len(MOUNT) :]
        is_api = relative == "/api" or relative.startswith("/api/")
        routed = request.match_info.route.name != FALLBACK_ROUTE
        rate_headers: dict[str, str] = {}
        try:
            if is_api and routed:
                negotiate_version(request)
                authenticate(core, request)
                # Reference silent: token-endpoint calls are not API calls; only API requests
                # count against the account's 120 a minute.
                rate_headers = core.limiter.hit(core.account_id)
            response = await handler(request)
        except (ApiError, ResourceError) as exc:
            response = exc.response()
        except web.HTTPException as exc:
            if exc.status < 400:
                raise
            response = _http_error(exc).response()
        response.headers.update(rate_headers)
        return response

    return remotelock_gateway


async def fallback(request: web.Request) -> web.StreamResponse:
    """Unknown paths get 404 and known paths with another method 405, in RemoteLock's shape."""
    allowed: set[str] = set()
    for resource in request.app.router.resources():
        if any(route.name == FALLBACK_ROUTE for route in resource):
            continue
        _, methods = await resource.resolve(request)
        allowed |= methods
    if allowed:
        # Reference silent: 405 is undocumented; general-error shape with an Allow header.
        raise ApiError(
            405,
            f"The {request.method} method is not allowed for {request.path}",
            "method_not_allowed",
            {"Allow": ", ".join(sorted(allowed))},
        )
    raise ApiError(404, f"No route matches {request.method} {request.path}", "not_found")
