"""Client authentication: one `authenticate` for HTTP, WebSocket `connection_init` and SSE.

Credentials, first found wins: `Authorization: Bearer <token>` (an API key `ck_...` or a
JWT), `X-API-Key: <key>`; in a WebSocket `connection_init` payload the same names
(`Authorization`, `authorization`, `X-API-Key`, `apiKey`, `token`). With none, the
embedded demo (and `auth_required = false`) gets the demo principal; otherwise refused.
"""

from __future__ import annotations

import asyncio
import json
import logging
import time
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import aiohttp
import jwt

from concierge.resolvers.principals import CAPABILITIES, DEMO, ROLES, Principal, Role
from concierge.resolvers.store.api_keys import KEY_PREFIX, ApiKey, ApiKeys
from concierge.server.settings import Settings

log = logging.getLogger(__name__)

JWKS_TTL_S = 300.0
JWKS_MIN_REFETCH_S = 30.0  # an unknown `kid` refetches, but not more often than this
JWKS_TIMEOUT_S = 5.0


class AuthError(Exception):
    """Refused: HTTP 401, WebSocket close 4401. The message never echoes the credential."""


class Authenticator:
    def __init__(
        self, settings: Settings, api_keys: ApiKeys | None, http: aiohttp.ClientSession | None
    ) -> None:
        self._settings = settings
        self._api_keys = api_keys
        self._http = http
        self._secret = settings.jwt_secret
        if self._secret is None and settings.jwt_secret_file:
            self._secret = Path(settings.jwt_secret_file).read_text().strip()
        self._jwks: jwt.PyJWKSet | None = None
        self._jwks_at = 0.0
        self._jwks_lock = asyncio.Lock()
        self._demo_logged = False

    async def authenticate(self, headers: Mapping[str, Any]) -> Principal:
        """The principal of a request's headers or a `connection_init` payload."""
        credential = credential_of(headers)
        if credential is None:
            if self._settings.requires_auth:
                raise AuthError("Authentication required: send Authorization: Bearer <token>.")
            if not self._demo_logged:
                self._demo_logged = True
                log.warning(
                    "unauthenticated request served as the DEMO principal (sees and may do "
                    "everything): set auth_required = true outside the demo"
                )
            return DEMO
        if credential.startswith(KEY_PREFIX):
            return await self._api_key(credential)
        return await self._jwt(credential)

    async def _api_key(self, text: str) -> Principal:
        if self._api_keys is None:
            raise AuthError("API keys are not available (no store).")
        key = await self._api_keys.verify(text)
        if key is None:
            raise AuthError("Unknown or revoked API key.")
        return principal_of_key(key)

    async def _jwt(self, token: str) -> Principal:
        s = self._settings
        if s.jwt_issuer is None or s.jwt_audience is None:
            raise AuthError("Bearer tokens are not accepted here (no JWT issuer configured).")
        try:
            header = jwt.get_unverified_header(token)
        except jwt.PyJWTError as exc:
            raise AuthError("Malformed bearer token.") from exc
        alg = header.get("alg")
        key: Any
        if alg == "HS256":
            if not self._secret:
                raise AuthError("HS256 tokens are not accepted here.")
            key = self._secret
        elif alg in ("RS256", "ES256", "PS256", "EdDSA") and s.jwt_jwks_url:
            key = await self._signing_key(str(header.get("kid") or ""))
        else:
            raise AuthError("Bearer token signed with an algorithm that is not accepted.")
        try:
            claims: dict[str, Any] = jwt.decode(
                token,
                key,
                algorithms=[str(alg)],
                issuer=s.jwt_issuer,
                audience=s.jwt_audience,
                leeway=s.jwt_leeway_s,
                options={"require": ["exp", "iss", "aud", "sub"]},
            )
        except jwt.ExpiredSignatureError as exc:
            raise AuthError("Bearer token expired.") from exc
        except jwt.InvalidIssuerError as exc:
            raise AuthError("Bearer token from another issuer.") from exc
        except jwt.InvalidAudienceError as exc:
            raise AuthError("Bearer token for another audience.") from exc
        except jwt.PyJWTError as exc:
            raise AuthError(f"Invalid bearer token ({type(exc).__name__}).") from exc
        return self._principal_of_claims(claims)

    def _principal_of_claims(self, claims: Mapping[str, Any]) -> Principal:
        s = self._settings
        role = claims.get(s.jwt_role_claim, "tenant")
        if role not in ROLES or role == "demo":
            raise AuthError(f"Bearer token claim {s.jwt_role_claim!r} names no known role.")
        return Principal(
            id=f"jwt:{claims['iss']}:{claims['sub']}",
            role=role,
            building_ids=_ids(claims.get(s.jwt_buildings_claim)),
            tenant_ids=_ids(claims.get(s.jwt_tenants_claim)),
            unit_ids=_ids(claims.get(s.jwt_units_claim)),
            capabilities=_ids(claims.get("capabilities")) & CAPABILITIES,
            via="jwt",
        )

    async def _signing_key(self, kid: str) -> Any:
        now = time.monotonic()
        async with self._jwks_lock:
            stale = self._jwks is None or now - self._jwks_at > JWKS_TTL_S
            unknown = self._jwks is not None and kid not in {k.key_id for k in self._jwks.keys}
            if stale or (unknown and now - self._jwks_at > JWKS_MIN_REFETCH_S):
                self._jwks = await self._fetch_jwks()
                self._jwks_at = now
        assert self._jwks is not None
        for k in self._jwks.keys:
            if k.key_id == kid or not kid:
                return k.key
        raise AuthError("Bearer token signed with a key the identity provider does not list.")

    async def _fetch_jwks(self) -> jwt.PyJWKSet:
        url = self._settings.jwt_jwks_url
        assert url is not None
        if self._http is None:
            raise AuthError("JWKS not reachable (no HTTP session).")
        try:
            async with self._http.get(
                url, timeout=aiohttp.ClientTimeout(total=JWKS_TIMEOUT_S)
            ) as response:
                response.raise_for_status()
                data = json.loads(await response.read())
            return jwt.PyJWKSet.from_dict(data)
        except (aiohttp.ClientError, TimeoutError, ValueError, jwt.PyJWTError) as exc:
            log.warning("JWKS at %s not read: %s", url, type(exc).__name__)
            raise AuthError("The identity provider's keys could not be read.") from exc


def credential_of(headers: Mapping[str, Any]) -> str | None:
    """The credential in HTTP headers or a `connection_init` payload, if any."""
    lowered = {str(k).lower(): v for k, v in headers.items()}
    auth = lowered.get("authorization")
    if isinstance(auth, str) and auth.strip():
        scheme, _, value = auth.strip().partition(" ")
        if scheme.lower() == "bearer" and value.strip():
            return value.strip()
    for name in ("x-api-key", "apikey", "token"):
        found = lowered.get(name)
        if isinstance(found, str) and found.strip():
            return found.strip()
    return None


def principal_of_key(key: ApiKey) -> Principal:
    role: Role = key.role  # type: ignore[assignment]  # checked when the key was created
    scope = key.scope
    return Principal(
        id=f"key:{key.id}",
        role=role,
        building_ids=_ids(scope.get("buildings")),
        tenant_ids=_ids(scope.get("tenants")),
        unit_ids=_ids(scope.get("units")),
        capabilities=_ids(scope.get("capabilities")),
        via="api_key",
    )


def _ids(value: object) -> frozenset[str]:
    if value is None:
        return frozenset()
    if isinstance(value, str | int):
        return frozenset({str(value)})
    if isinstance(value, list | tuple):
        return frozenset(str(v) for v in value)
    return frozenset()
