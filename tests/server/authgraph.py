"""A GraphQL client that sends credentials, and JWTs minted for tests."""

from __future__ import annotations

import time
from typing import Any

import aiohttp
import jwt

from tests.plugins.logged import note_secret

SECRET = "test-hs256-secret-0123456789abcdef0123456789"
ISSUER = "https://idp.example.test/"
AUDIENCE = "concierge-tests"


def token(
    *,
    secret: str = SECRET,
    iss: str = ISSUER,
    aud: str = AUDIENCE,
    exp_in: float = 600,
    sub: str = "user-1",
    **claims: Any,
) -> str:
    now = int(time.time())
    body = {"iss": iss, "aud": aud, "sub": sub, "iat": now, "exp": now + int(exp_in), **claims}
    minted = jwt.encode(body, secret, algorithm="HS256")
    note_secret(minted, secret)
    return minted


class AuthGraph:
    def __init__(self, url: str, http: aiohttp.ClientSession, credential: str | None) -> None:
        self.url = url
        self.http = http
        self.credential = credential

    def headers(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.credential}"} if self.credential else {}

    async def post(self, query: str, **variables: Any) -> tuple[int, dict[str, Any], Any]:
        async with self.http.post(
            f"{self.url}/graphql",
            json={"query": query, "variables": variables},
            headers=self.headers(),
        ) as response:
            return response.status, await response.json(), response.headers

    async def query(self, query: str, **variables: Any) -> dict[str, Any]:
        status, body, _ = await self.post(query, **variables)
        assert status == 200, body
        return body
