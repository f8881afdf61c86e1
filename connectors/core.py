"""`VendorCore`: what every resource object of one vendor account shares.

The transport (retries, breaker, rate limit), the token source and the API base URL, and
`send`, the one way a resource makes an authenticated API call. Each vendor's core adds
its envelope and pagination helpers on top.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from concierge.connectors.http import Response, VendorHTTP
from concierge.connectors.tokens import TokenManager, TokenSource

Params = list[tuple[str, str]]


class VendorCore:
    """One account's transport, token source and API base URL, shared by its resources."""

    def __init__(
        self,
        http: VendorHTTP,
        tokens: TokenManager,
        api_url: str,
        *,
        headers: Mapping[str, str] | None = None,
    ) -> None:
        self.http = http
        self.tokens = tokens
        self.api_url = api_url.rstrip("/")
        self.headers: Mapping[str, str] = headers or {"Accept": "application/json"}

    async def send(
        self,
        method: str,
        path: str,
        *,
        params: Params | None = None,
        json_body: Any = None,
        headers: Mapping[str, str] | None = None,
        idempotent: bool | None = None,
        tokens: TokenSource | None = None,
    ) -> Response:
        """`tokens`: someone else's than the account's (a call made on a person's behalf)."""
        return await self.http.request(
            method,
            self.api_url + path,
            params=params,
            json_body=json_body,
            headers=headers or self.headers,
            tokens=tokens or self.tokens,
            idempotent=idempotent,
        )


class VendorClient:
    """A vendor client: resource objects on one `core` (set by the subclass)."""

    core: VendorCore

    @property
    def http(self) -> VendorHTTP:
        return self.core.http

    @property
    def tokens(self) -> TokenManager:
        return self.core.tokens

    @property
    def transports(self) -> list[VendorHTTP]:
        """Every transport this client sends through (an observer watches them all)."""
        return [self.core.http]
