"""The store: state that must outlive a request (and, once persistent, a restart).

Today it holds vendor tokens in memory behind the connectors' `TokenStorage` seam. The
mutations issue backs it with SQLAlchemy (SQLite by default, PostgreSQL for replicas)
and adds idempotency records, unlock attempts, visitor keys, webhook event IDs seen and
the audit log, each as a repository attribute beside `tokens`.
"""

from __future__ import annotations

from typing import Protocol

from connectors.tokens import MemoryTokenStorage, TokenStorage


class Store(Protocol):
    @property
    def tokens(self) -> TokenStorage:
        """Vendor token sets by account key (refresh tokens rotate: saved before use)."""
        ...

    async def close(self) -> None: ...


class MemoryStore:
    """Everything in this process's memory: lost on restart (the demo default for now)."""

    def __init__(self) -> None:
        self._tokens = MemoryTokenStorage()

    @property
    def tokens(self) -> TokenStorage:
        return self._tokens

    async def close(self) -> None:
        return None


__all__ = ["MemoryStore", "Store"]
