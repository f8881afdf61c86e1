"""Doors in one vocabulary: ButterflyMX access points and unit smart locks, RemoteLock locks."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from concierge.connectors.butterflymx.doors import AccessPoint, V4Device
from concierge.connectors.errors import VendorError
from concierge.connectors.remotelock.doors import Device as RemoteLockDevice
from concierge.resolvers.errors import Partial
from concierge.resolvers.sitemap import SiteMap

if TYPE_CHECKING:
    from concierge.resolvers.context import RequestContext

# Node-id prefixes: ButterflyMX numbers access points and devices separately.
ACCESS_POINT = "butterflymx.access_point"
BMX_DEVICE = "butterflymx.device"
REMOTELOCK_LOCK = "remotelock.lock"


@dataclass(frozen=True)
class Capabilities:
    can_unlock: bool
    can_lock: bool
    can_issue_pin: bool
    can_issue_qr_key: bool


@dataclass(frozen=True)
class DoorView:
    source: str  # one of the prefixes above
    vendor: str
    vendor_id: str
    name: str
    kind: str  # ACCESS_POINT | UNIT_LOCK | COMMON_AREA_LOCK
    building_id: str | None
    unit_id: str | None
    state: str  # LOCKED | UNLOCKED | UNKNOWN
    online: bool | None
    battery: int | None
    capabilities: Capabilities

    @property
    def node_id(self) -> str:
        return f"{self.source}:{self.vendor_id}"


def from_access_point(ap: AccessPoint) -> DoorView:
    # ButterflyMX releases a common door on request (v4) and admits QR keys there; it
    # reports neither lock state nor connectivity for access points.
    return DoorView(
        source=ACCESS_POINT,
        vendor="butterflymx",
        vendor_id=str(ap.id),
        name=ap.name,
        kind="ACCESS_POINT",
        building_id=str(ap.building_id),
        unit_id=None,
        state="UNKNOWN",
        online=None,
        battery=None,
        capabilities=Capabilities(True, False, False, True),
    )


def from_bmx_device(device: V4Device, site: SiteMap) -> DoorView:
    lock = site.lock("butterflymx", str(device.id))
    return DoorView(
        source=BMX_DEVICE,
        vendor="butterflymx",
        vendor_id=str(device.id),
        name=device.name,
        kind="UNIT_LOCK" if lock is not None else "COMMON_AREA_LOCK",
        building_id=str(device.building_id),
        unit_id=lock.unit_id if lock is not None else None,
        state="UNKNOWN",
        online=None,
        battery=None,
        capabilities=Capabilities(True, False, False, False),
    )


def from_remotelock(device: RemoteLockDevice, site: SiteMap) -> DoorView:
    lock = site.lock("remotelock", device.id)
    building = site.building_for_location(device.location_id)
    state = {"locked": "LOCKED", "unlocked": "UNLOCKED"}.get(device.state or "", "UNKNOWN")
    return DoorView(
        source=REMOTELOCK_LOCK,
        vendor="remotelock",
        vendor_id=device.id,
        name=device.name,
        kind="UNIT_LOCK" if lock is not None else "COMMON_AREA_LOCK",
        building_id=lock.building_id if lock is not None and lock.building_id else building,
        unit_id=lock.unit_id if lock is not None else None,
        state=state,
        online=device.connected,
        battery=device.power_level,
        capabilities=Capabilities(True, True, True, False),
    )


@dataclass
class BuildingDoors:
    """A building's doors; `remotelock_error` when RemoteLock's part could not be read."""

    views: list[DoorView]
    remotelock_error: VendorError | None = None
    by_key: dict[tuple[str, str], DoorView] = field(init=False)

    def __post_init__(self) -> None:
        self.by_key = {(v.vendor, v.vendor_id): v for v in self.views}


async def doors_by_id(ctx: RequestContext, node_ids: list[str]) -> list[DoorView | None]:
    result: list[DoorView | None] = await ctx.access.door.load_many(node_ids)
    return result


async def access_points(ctx: RequestContext, building_id: str) -> list[DoorView]:
    points = await ctx.access.access_points_by_building.load(building_id)
    return [from_access_point(ap) for ap in points]


async def building_doors(
    ctx: RequestContext, building_id: str, vendor: str | None = None, kind: str | None = None
) -> Partial[list[DoorView]]:
    """Access points and unit locks from both vendors; a failing RemoteLock is the error."""
    doors = await ctx.access.doors_of_building(building_id)
    views = [
        v
        for v in doors.views
        if (vendor is None or v.vendor == vendor) and (kind is None or v.kind == kind)
    ]
    return Partial(views, doors.remotelock_error)


async def unit_doors(
    ctx: RequestContext, unit_id: str, building_id: str | None
) -> Partial[list[DoorView]]:
    """The unit's own door locks; the error when its RemoteLock lock could not be read."""
    if building_id is None:
        return Partial([])
    doors = await ctx.access.doors_of_building(building_id)
    return Partial(doors_of_unit(ctx, unit_id, doors), lost_doors(ctx, unit_id, doors))


def lost_doors(ctx: RequestContext, unit_id: str, doors: BuildingDoors) -> VendorError | None:
    """Why this unit's RemoteLock lock is missing, if RemoteLock's part could not be read."""
    error = doors.remotelock_error
    locks = ctx.services.site_map.locks_for_unit(unit_id)
    return error if error is not None and any(x.vendor == "remotelock" for x in locks) else None


def doors_of_unit(ctx: RequestContext, unit_id: str, doors: BuildingDoors) -> list[DoorView]:
    wanted = [
        (lock.vendor, lock.vendor_id) for lock in ctx.services.site_map.locks_for_unit(unit_id)
    ]
    return [doors.by_key[key] for key in wanted if key in doors.by_key]
