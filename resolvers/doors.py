"""Doors in one vocabulary: ButterflyMX access points and unit smart locks, RemoteLock locks."""

from __future__ import annotations

from dataclasses import dataclass

from connectors.butterflymx.doors import AccessPoint, V4Device
from connectors.remotelock.doors import Device as RemoteLockDevice
from resolvers.sitemap import SiteMap

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
