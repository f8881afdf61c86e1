"""v3 webhook integrations on a building (Building Admin) or on a tenant: the record and
`client.integrations` (kept: the subscriptions issue registers its webhooks with these).

Paths are not in the reference (only operation names); the sandbox nests them under
the owner: `/v3/buildings/{id}/integrations` and `/v3/tenants/{id}/integrations`.
The vendor signs nothing, so put a secret token in `url` (see `webhooks.py`).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Self

from concierge.connectors.butterflymx.core import Resource, list_query, segment
from concierge.connectors.butterflymx.fields import Fields
from concierge.connectors.butterflymx.jsonapi import Included, id_of, resource


@dataclass(frozen=True)
class Integration:
    """A webhook registration on a building or on a tenant (UUID id)."""

    id: str
    integrator: str
    url: str
    method: str
    bindings: tuple[str, ...]  # resource types: "call", "door_release"
    created_at: datetime | None
    updated_at: datetime | None
    building_id: str | None
    tenant_id: str | None

    @classmethod
    def from_json(cls, raw: object) -> Self:
        res = resource(raw, ("integrations",))
        a = res.attributes
        config = a.nested("config")
        bindings = a.items("bindings")
        return cls(
            id=res.id,
            integrator=a.text("integrator"),
            url=config.text("url"),
            method=config.text("method"),
            bindings=tuple(
                Fields(b, f"{a.where}.bindings[{i}]").text("resource_type")
                for i, b in enumerate(bindings)
            ),
            created_at=a.opt_moment("created_at"),
            updated_at=a.opt_moment("updated_at"),
            building_id=id_of(res.one("building")),
            tenant_id=id_of(res.one("tenant")),
        )


BINDINGS = ("call", "door_release")
METHODS = ("get", "post")


def _integration(raw: Any, _: Included) -> Integration:
    return Integration.from_json(raw)


def _owner_path(building_id: str | int | None, tenant_id: str | int | None) -> str:
    if (building_id is None) == (tenant_id is None):
        raise ValueError("butterflymx: an integration belongs to one building_id or tenant_id")
    if building_id is not None:
        return f"/v3/buildings/{segment(building_id)}/integrations"
    assert tenant_id is not None
    return f"/v3/tenants/{segment(tenant_id)}/integrations"


def _attributes(
    url: str | None, method: str | None, bindings: Sequence[str] | None
) -> dict[str, Any]:
    attributes: dict[str, Any] = {}
    if url is not None or method is not None:
        if method is not None and method not in METHODS:
            raise ValueError(f"butterflymx: webhook method must be one of {METHODS}")
        config = {"url": url, "method": method}
        attributes["config"] = {k: v for k, v in config.items() if v is not None}
    if bindings is not None:
        if not bindings or any(kind not in BINDINGS for kind in bindings):
            raise ValueError(f"butterflymx: bindings must be some of {BINDINGS}")
        attributes["bindings"] = [{"resource_type": kind} for kind in bindings]
    return attributes


class Integrations(Resource):
    async def list(
        self, *, building_id: str | int | None = None, tenant_id: str | int | None = None
    ) -> list[Integration]:
        return await self._core.all(_owner_path(building_id, tenant_id), _integration, list_query())

    async def get(
        self,
        integration_id: str,
        *,
        building_id: str | int | None = None,
        tenant_id: str | int | None = None,
    ) -> Integration:
        path = f"{_owner_path(building_id, tenant_id)}/{segment(integration_id)}"
        return await self._core.one(path, _integration)

    async def create(
        self,
        url: str,
        *,
        building_id: str | int | None = None,
        tenant_id: str | int | None = None,
        method: str = "post",
        bindings: Sequence[str] = BINDINGS,
    ) -> Integration:
        """Register a webhook for `call` and/or `door_release` events."""
        attributes = {"integrator": "webhook", **_attributes(url, method, bindings)}
        body = {"data": {"type": "integrations", "attributes": attributes}}
        return await self._core.write(
            "POST", _owner_path(building_id, tenant_id), body, _integration
        )

    async def update(
        self,
        integration_id: str,
        *,
        building_id: str | int | None = None,
        tenant_id: str | int | None = None,
        url: str | None = None,
        method: str | None = None,
        bindings: Sequence[str] | None = None,
    ) -> Integration:
        """Change what is given; the rest stays. Sets values, so it is safe to retry."""
        path = f"{_owner_path(building_id, tenant_id)}/{segment(integration_id)}"
        body = {"data": {"type": "integrations", "attributes": _attributes(url, method, bindings)}}
        return await self._core.write("PATCH", path, body, _integration, idempotent=True)

    async def delete(
        self,
        integration_id: str,
        *,
        building_id: str | int | None = None,
        tenant_id: str | int | None = None,
    ) -> None:
        path = f"{_owner_path(building_id, tenant_id)}/{segment(integration_id)}"
        await self._core.no_content("DELETE", path)
