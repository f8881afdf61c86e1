"""`concierge keys`: API keys in the store the server uses (opened and migrated here)."""

from __future__ import annotations

from typing import Any

from concierge.resolvers.store.api_keys import ApiKey
from concierge.server.settings import Settings
from concierge.server.store import open_store


async def create_key(
    settings: Settings, name: str, role: str, scope: dict[str, Any]
) -> tuple[ApiKey, str]:
    store = await open_store(settings)
    try:
        return await store.api_keys.create(name, role, scope)
    finally:
        await store.close()


async def list_keys(settings: Settings) -> list[ApiKey]:
    store = await open_store(settings)
    try:
        return await store.api_keys.list()
    finally:
        await store.close()


async def revoke_key(settings: Settings, id_or_prefix: str) -> bool:
    store = await open_store(settings)
    try:
        return await store.api_keys.revoke(id_or_prefix)
    finally:
        await store.close()
