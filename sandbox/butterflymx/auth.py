"""Who may call: the demo OAuth client, user passwords, Doorkeeper-style tokens, bearer checks."""

from __future__ import annotations

import base64
import hashlib
import json
import secrets
from dataclasses import dataclass, field
from typing import Literal
from urllib.parse import urlsplit

from aiohttp import web

from concierge.sandbox.butterflymx.errors import (
    ButterflyMXError,
    JsonApiError,
    OAuthError,
    PlainError,
)
from concierge.sandbox.butterflymx.records import UserRecord
from concierge.sandbox.butterflymx.store import Store, Viewer
from concierge.sandbox.clock import Clock
from concierge.sandbox.oauth import Grant, TokenStore

ACCESS_TTL_S = 7200  # `expires_in: 7200` in every reference example
MANAGER_PASSWORD = "butterfly-manager-demo"
# Reference silent on demo accounts: every seeded resident shares one demo password.
RESIDENT_PASSWORD = "butterfly-resident-demo"
DOC_REDIRECT_URI = "https://usersandbox.butterflymx.com/oauth/callbacks/butterflymx"
LOOPBACK_HOSTS = ("127.0.0.1", "localhost", "::1")

Area = Literal["v3", "v4", "accounts"]


def _uid(seed: int, purpose: str) -> str:
    # Doorkeeper uids/secrets are 43-character base64url strings; ours derive from the seed.
    digest = hashlib.sha256(f"{seed}:butterflymx:{purpose}".encode()).digest()
    return base64.urlsafe_b64encode(digest).decode().rstrip("=")


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).decode().rstrip("=")


def jwt_looking_token(subject: str, issued_at: float) -> str:
    """`eyJ0eXAi...`: a JWT-shaped opaque token, as the reference's examples look."""
    header = _b64(json.dumps({"typ": "JWT", "alg": "HS512"}, separators=(",", ":")).encode())
    claims = {"sub": subject, "iat": int(issued_at), "jti": secrets.token_hex(8)}
    payload = _b64(json.dumps(claims, separators=(",", ":")).encode())
    return f"{header}.{payload}.{_b64(secrets.token_bytes(32))}"


@dataclass(frozen=True)
class OAuthClient:
    client_id: str
    client_secret: str
    redirect_uri: str

    def accepts_redirect(self, uri: str) -> bool:
        # Reference silent on registered redirect URIs: the documented callback, plus any
        # loopback http(s) URI so local apps and tests can run the code flow on any port.
        if uri == self.redirect_uri:
            return True
        parts = urlsplit(uri)
        return parts.scheme in ("http", "https") and parts.hostname in LOOPBACK_HOSTS


@dataclass
class Identity:
    """Clients, passwords and tokens of one simulated ButterflyMX accounts service."""

    store: Store
    clock: Clock
    client: OAuthClient
    manager_id: int
    resident_id: int
    tokens: TokenStore = field(init=False)
    passwords: dict[int, str] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self.tokens = TokenStore(
            clock=self.clock, access_ttl=ACCESS_TTL_S, token_factory=jwt_looking_token
        )

    @classmethod
    def for_seed(
        cls, store: Store, clock: Clock, seed: int, manager_id: int, resident_id: int
    ) -> Identity:
        client = OAuthClient(_uid(seed, "client_id"), _uid(seed, "client_secret"), DOC_REDIRECT_URI)
        return cls(store, clock, client, manager_id, resident_id)

    def password_of(self, user_id: int) -> str:
        default = MANAGER_PASSWORD if user_id == self.manager_id else RESIDENT_PASSWORD
        return self.passwords.get(user_id, default)

    def check_password(self, username: str, password: str) -> UserRecord | None:
        user = self.store.user_by_email(username)
        if user is None or not secrets.compare_digest(password, self.password_of(user.id)):
            return None
        return user

    def client_matches(self, client_id: str | None, client_secret: str | None) -> bool:
        return (
            client_id == self.client.client_id
            and client_secret is not None
            and secrets.compare_digest(client_secret, self.client.client_secret)
        )

    def viewer(self, request: web.Request, area: Area) -> Viewer:
        """The authenticated user, or a 401 in the shape of the API area that was called."""
        header = request.headers.get("Authorization", "")
        scheme, _, token = header.partition(" ")
        presented = token.strip() if scheme.lower() == "bearer" else None
        outcome = self.tokens.authenticate(presented)
        if isinstance(outcome, Grant):
            user_id = int(outcome.subject)
            if user_id in self.store.users:
                return self.store.viewer(user_id)
            outcome = "revoked"
        raise unauthorized(area, _DESCRIPTIONS[outcome])


_DESCRIPTIONS = {
    "missing": "The access token is missing",
    "unknown": "The access token is invalid",
    "expired": "The access token expired",
    "revoked": "The access token was revoked",
}


def unauthorized(area: Area, description: str) -> ButterflyMXError:
    # Reference silent on 401 bodies for API calls: Doorkeeper's WWW-Authenticate header,
    # with a JSON:API error for v3 and the {"error", "error_description"} pair elsewhere.
    headers = {
        "WWW-Authenticate": (
            f'Bearer realm="Doorkeeper", error="invalid_token", error_description="{description}"'
        )
    }
    if area == "v3":
        return JsonApiError(401, [{"title": "Unauthorized", "detail": description}], headers)
    if area == "v4":
        return PlainError(401, "Unauthorized", description, headers)
    return OAuthError(401, "invalid_token", description, headers)
