"""Butlr's Auth0-issued tokens: JWT-looking access and id tokens, `v1.` refresh tokens.

Access tokens are `header.payload.signature` with base64url JSON parts (HS256 with a
per-sandbox secret) carrying `iss`, `sub`, `aud`, `azp`, `iat`, `exp`, `scope` like Auth0's.
M2M subjects are `<client_id>@clients` (Auth0's convention), so `azp` is read off the subject.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import random
import secrets
from dataclasses import dataclass
from typing import Any

from concierge.sandbox.butlr import ids
from concierge.sandbox.dataset import Person

AUDIENCE = "https://butlrauth/"
# Reference silent/contradictory: no issuer shown; we use an Auth0 tenant URL.
ISSUER = "https://butlr.auth0.com/"
# Reference silent/contradictory: M2M lifetime unstated; 86400 s (user-login example) for both.
ACCESS_TTL_S = 86_400
USER_SCOPE = "openid email profile offline_access"
# Reference silent/contradictory: no M2M scopes are listed; we grant one read/write pair.
CLIENT_SCOPE = "read:all write:all"
M2M_SUFFIX = "@clients"


@dataclass(frozen=True)
class Credentials:
    """The demo account: one M2M client and one user of Butlr's own app (`app_client_id`)."""

    client_id: str
    client_secret: str
    app_client_id: str
    username: str
    password: str
    user_subject: str
    user_name: str

    @classmethod
    def generate(cls, rng: random.Random, manager: Person) -> Credentials:
        return cls(
            client_id=ids.alnum(rng, 32),
            client_secret=ids.alnum(rng, 64),
            app_client_id=ids.alnum(rng, 32),
            username=manager.email,
            password=f"butlr-{ids.alnum(rng, 12)}",
            user_subject="auth0|" + "".join(rng.choice("0123456789abcdef") for _ in range(24)),
            user_name=manager.name,
        )

    def m2m_subject(self) -> str:
        return f"{self.client_id}{M2M_SUFFIX}"


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).decode().rstrip("=")


class JwtMinter:
    def __init__(self, credentials: Credentials) -> None:
        self._credentials = credentials
        self._key = secrets.token_bytes(32)  # tokens may be random; records may not

    def _sign(self, claims: dict[str, Any]) -> str:
        header = _b64(json.dumps({"alg": "HS256", "typ": "JWT"}, separators=(",", ":")).encode())
        payload = _b64(json.dumps(claims, separators=(",", ":")).encode())
        signature = hmac.new(self._key, f"{header}.{payload}".encode(), hashlib.sha256).digest()
        return f"{header}.{payload}.{_b64(signature)}"

    def access_token(self, subject: str, issued_at: float) -> str:
        """The `TokenStore` token factory."""
        m2m = subject.endswith(M2M_SUFFIX)
        iat = int(issued_at)
        claims: dict[str, Any] = {
            "iss": ISSUER,
            "sub": subject,
            "aud": AUDIENCE,
            "iat": iat,
            "exp": iat + ACCESS_TTL_S,
            "azp": subject.removesuffix(M2M_SUFFIX) if m2m else self._credentials.app_client_id,
            "scope": CLIENT_SCOPE if m2m else USER_SCOPE,
            "jti": secrets.token_hex(8),  # two logins in one second still differ
        }
        if m2m:
            claims["gty"] = "client-credentials"
        return self._sign(claims)

    def id_token(self, issued_at: float) -> str:
        iat = int(issued_at)
        creds = self._credentials
        return self._sign(
            {
                "iss": ISSUER,
                "sub": creds.user_subject,
                "aud": creds.app_client_id,
                "iat": iat,
                "exp": iat + ACCESS_TTL_S,
                "email": creds.username,
                "email_verified": True,
                "name": creds.user_name,
            }
        )

    def verify(self, token: str) -> bool:
        """True if this sandbox signed `token` (the store still decides expiry and revocation)."""
        parts = token.split(".")
        if len(parts) != 3:
            return False
        expected = hmac.new(self._key, f"{parts[0]}.{parts[1]}".encode(), hashlib.sha256).digest()
        return hmac.compare_digest(_b64(expected), parts[2])


def new_refresh_token() -> str:
    return "v1." + secrets.token_urlsafe(48)
