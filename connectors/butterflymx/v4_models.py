"""v4 records (plain JSON, integer ids): tenants, access points, devices, door release requests."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Self

from connectors.butterflymx.fields import Fields


@dataclass(frozen=True)
class V4Unit:
    id: int
    label: str
    floor: str | None  # a string in v4 (`floor_number` is an integer in v3)
    building_id: int
    created_at: datetime | None
    updated_at: datetime | None

    @classmethod
    def from_fields(cls, f: Fields) -> Self:
        return cls(
            id=f.integer("id"),
            label=f.text("label"),
            floor=f.opt_text("floor"),
            building_id=f.integer("building_id"),
            created_at=f.opt_moment("created_at"),
            updated_at=f.opt_moment("updated_at"),
        )


@dataclass(frozen=True)
class V4Tenant:
    """A tenancy; its id equals the v3 tenant id."""

    id: int
    first_name: str | None
    last_name: str | None
    full_name: str | None
    email: str | None
    building_id: int
    inactive_after: datetime | None
    created_at: datetime | None
    updated_at: datetime | None
    unit: V4Unit

    @classmethod
    def from_json(cls, raw: object, where: str = "v4 tenant") -> Self:
        f = Fields(raw, where)
        return cls(
            id=f.integer("id"),
            first_name=f.opt_text("first_name"),
            last_name=f.opt_text("last_name"),
            full_name=f.opt_text("full_name"),
            email=f.opt_text("email"),
            building_id=f.integer("building_id"),
            inactive_after=f.opt_moment("inactive_after"),
            created_at=f.opt_moment("created_at"),
            updated_at=f.opt_moment("updated_at"),
            unit=V4Unit.from_fields(f.nested("unit")),
        )


@dataclass(frozen=True)
class AccessPoint:
    """A common entry (intercom, ACS controller, keypad, common-area lock)."""

    id: int
    name: str
    building_id: int
    device_ids: tuple[int, ...]
    created_at: datetime | None
    updated_at: datetime | None

    @classmethod
    def from_json(cls, raw: object, where: str = "access point") -> Self:
        f = Fields(raw, where)
        return cls(
            id=f.integer("id"),
            name=f.text("name"),
            building_id=f.integer("building_id"),
            device_ids=f.integers("device_ids"),
            created_at=f.opt_moment("created_at"),
            updated_at=f.opt_moment("updated_at"),
        )


@dataclass(frozen=True)
class V4Device:
    id: int
    name: str
    type: str  # e.g. smart_lock
    model: str | None
    serial_number: str | None
    building_id: int
    created_at: datetime | None
    updated_at: datetime | None

    @classmethod
    def from_json(cls, raw: object, where: str = "v4 device") -> Self:
        f = Fields(raw, where)
        return cls(
            id=f.integer("id"),
            name=f.text("name"),
            type=f.text("type"),
            model=f.opt_text("model"),
            serial_number=f.opt_text("serial_number"),
            building_id=f.integer("building_id"),
            created_at=f.opt_moment("created_at"),
            updated_at=f.opt_moment("updated_at"),
        )


@dataclass(frozen=True)
class DoorReleaseRequest:
    """The answer to a remote door release (shape undocumented; the sandbox's decision)."""

    id: int
    tenant_id: int
    access_point_id: int | None
    device_id: int | None
    status: str
    door_release_id: int | None
    created_at: datetime | None
    updated_at: datetime | None

    @classmethod
    def from_json(cls, raw: object, where: str = "door release request") -> Self:
        f = Fields(raw, where)
        return cls(
            id=f.integer("id"),
            tenant_id=f.integer("tenant_id"),
            access_point_id=f.opt_integer("access_point_id"),
            device_id=f.opt_integer("device_id"),
            status=f.text("status"),
            door_release_id=f.opt_integer("door_release_id"),
            created_at=f.opt_moment("created_at"),
            updated_at=f.opt_moment("updated_at"),
        )
