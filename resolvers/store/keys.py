"""Visitor keys: our key ID and every vendor object issuing it created.

The key is written (CREATING) before any vendor call and each credential as soon as its
vendor returns it, so a failure half-way still knows what to roll back or revoke.
"""

from __future__ import annotations

import uuid
from typing import Any

import sqlalchemy as sa

from concierge.resolvers.store.clock import utcnow
from concierge.resolvers.store.errors import MissingRecordError
from concierge.resolvers.store.records import Credential, KeyStatus, VisitorKey
from concierge.resolvers.store.repository import Repository
from concierge.resolvers.store.tables import visitor_key_credentials as credentials
from concierge.resolvers.store.tables import visitor_keys as keys


class VisitorKeys(Repository):
    async def create(
        self,
        *,
        unit_id: str,
        name: str,
        schedule: dict[str, Any],
        tenant_id: str | None = None,
        pin: str | None = None,
    ) -> VisitorKey:
        key = VisitorKey(
            id=str(uuid.uuid4()),
            unit_id=unit_id,
            tenant_id=tenant_id,
            name=name,
            schedule=schedule,
            pin=pin,
            status="CREATING",
            created_at=utcnow(),
        )
        values = {column.name: getattr(key, column.name) for column in keys.columns}
        async with self._begin() as connection:
            await connection.execute(keys.insert().values(**values))
        return key

    async def add_credential(
        self,
        key_id: str,
        *,
        vendor: str,
        kind: str,
        vendor_id: str,
        detail: dict[str, Any] | None = None,
    ) -> Credential:
        credential = Credential(
            key_id=key_id,
            vendor=vendor,
            kind=kind,
            vendor_id=vendor_id,
            detail=detail or {},
            created_at=utcnow(),
        )
        async with self._begin() as connection:
            if await connection.scalar(sa.select(keys.c.id).where(keys.c.id == key_id)) is None:
                raise MissingRecordError(f"no visitor key {key_id!r}")
            await connection.execute(credentials.insert().values(**credential.__dict__))
        return credential

    async def get(self, key_id: str) -> VisitorKey | None:
        """The key with every credential, in the order they were created."""
        found = await self._load(keys.c.id == key_id)
        return found[0] if found else None

    async def by_unit(self, unit_id: str) -> list[VisitorKey]:
        """Every key issued for the unit (revoked ones too), oldest first."""
        return await self._load(keys.c.unit_id == unit_id)

    async def by_vendor_object(self, vendor: str, vendor_id: str) -> VisitorKey | None:
        """The key that created this vendor object (a keychain, a guest...), if one did."""
        owner = (
            sa.select(credentials.c.key_id)
            .where(credentials.c.vendor == vendor, credentials.c.vendor_id == vendor_id)
            .scalar_subquery()
        )
        found = await self._load(keys.c.id.in_(owner))
        return found[0] if found else None

    async def set_status(self, key_id: str, status: KeyStatus) -> VisitorKey:
        changes: dict[str, Any] = {"status": status}
        if status == "REVOKED":
            changes["revoked_at"] = utcnow()
        async with self._begin() as connection:
            done = await connection.execute(
                keys.update().where(keys.c.id == key_id).values(**changes)
            )
        if done.rowcount == 0:
            raise MissingRecordError(f"no visitor key {key_id!r}")
        key = await self.get(key_id)
        assert key is not None
        return key

    async def _load(self, condition: sa.ColumnElement[bool]) -> list[VisitorKey]:
        async with self._begin() as connection:
            key_rows = (
                await connection.execute(
                    keys.select().where(condition).order_by(keys.c.created_at, keys.c.id)
                )
            ).all()
            ids = [row.id for row in key_rows]
            credential_rows = (
                await connection.execute(
                    credentials.select()
                    .where(credentials.c.key_id.in_(ids))
                    .order_by(credentials.c.id)
                )
            ).all()
        issued: dict[str, list[Credential]] = {key_id: [] for key_id in ids}
        for row in credential_rows:
            issued[row.key_id].append(
                Credential(
                    key_id=row.key_id,
                    vendor=row.vendor,
                    kind=row.kind,
                    vendor_id=row.vendor_id,
                    detail=row.detail,
                    created_at=row.created_at,
                )
            )
        return [
            VisitorKey(
                id=row.id,
                unit_id=row.unit_id,
                tenant_id=row.tenant_id,
                name=row.name,
                schedule=row.schedule,
                pin=row.pin,
                status=row.status,
                created_at=row.created_at,
                revoked_at=row.revoked_at,
                credentials=tuple(issued[row.id]),
            )
            for row in key_rows
        ]
