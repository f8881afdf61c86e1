"""ButterflyMX state: records rendered from the demo world, id sequences, and who sees what."""

from __future__ import annotations

import itertools
import random
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, NoReturn

from concierge.sandbox.butterflymx.records import (
    S3_UPLOADS,
    AccessPointRecord,
    BuildingRecord,
    CallRecord,
    DeviceRecord,
    DoorReleaseRecord,
    DoorReleaseRequestRecord,
    IntegrationRecord,
    KeychainRecord,
    MessageRecord,
    PanelRecord,
    Picture,
    TenantRecord,
    UnitRecord,
    UserRecord,
    VirtualKeyRecord,
)
from concierge.sandbox.dataset import WORLD_EPOCH, World


class TenantTable(dict[int, TenantRecord]):
    """Tenancies by id, indexed by unit as they change: every unit a page renders lists
    its users, and scanning all tenancies per unit made a 100-unit page cost milliseconds.
    A tenancy never moves to another unit; only these three ways of changing it exist."""

    def __init__(self) -> None:
        super().__init__()
        self._by_unit: dict[int, dict[int, TenantRecord]] = {}

    def of_unit(self, unit_id: int) -> Iterable[TenantRecord]:
        return self._by_unit.get(unit_id, {}).values()

    def __setitem__(self, key: int, value: TenantRecord) -> None:
        old = self.get(key)
        if old is not None and old.unit_id != value.unit_id:
            self._by_unit[old.unit_id].pop(key)
        super().__setitem__(key, value)
        self._by_unit.setdefault(value.unit_id, {})[key] = value

    def __delitem__(self, key: int) -> None:
        self._by_unit[self[key].unit_id].pop(key)
        super().__delitem__(key)

    def pop(self, key: int, *default: Any) -> Any:
        if key in self:
            self._by_unit[self[key].unit_id].pop(key)
        return super().pop(key, *default)

    def _unsupported(self, *args: object, **kwargs: object) -> NoReturn:
        raise TypeError("TenantTable keeps an index: set, del or pop one tenancy at a time")

    update = setdefault = popitem = clear = _unsupported


# ButterflyMX prints Rails zone names for US buildings ("Eastern Time (US & Canada)").
RAILS_ZONES = {
    "America/New_York": "Eastern Time (US & Canada)",
    "America/Chicago": "Central Time (US & Canada)",
    "America/Denver": "Mountain Time (US & Canada)",
    "America/Los_Angeles": "Pacific Time (US & Canada)",
    "Etc/UTC": "UTC",
}
STATE_CODES = {
    "Massachusetts": "MA",
    "Colorado": "CO",
    "California": "CA",
    "Illinois": "IL",
    "Washington": "WA",
    "New York": "NY",
}
DISPLAY_NAME_STRATEGIES = (
    "building",
    "custom",
    "first_name_and_last_name",
    "first_name_initial_and_last_name",
    "anonymous",
    "first_name_and_last_name_initial",
)
# Reference silent on device types beyond `smart_lock`: access point controllers are typed
# by their kind. Access point kind -> (v4 device type, model).
CONTROLLER_DEVICES = {
    "intercom": ("intercom", "BMX Video Intercom Panel"),
    "acs_controller": ("acs_controller", "BMX Access Control Unit"),
    "smart_keypad": ("smart_keypad", "BMX Smart Keypad"),
    "common_area_lock": ("smart_lock", None),
}


@dataclass(frozen=True)
class Viewer:
    """The user behind an access token and the buildings they administer."""

    user_id: int
    admin_buildings: frozenset[int]


class Store:
    """Every ButterflyMX record of one sandbox, keyed by id in insertion order."""

    def __init__(self, world: World, rng: random.Random) -> None:
        self.rng = rng
        self.buildings: dict[int, BuildingRecord] = {}
        self.panels: dict[int, PanelRecord] = {}
        self.units: dict[int, UnitRecord] = {}
        self.users: dict[int, UserRecord] = {}
        self.tenants = TenantTable()
        self.access_points: dict[int, AccessPointRecord] = {}
        self.devices: dict[int, DeviceRecord] = {}
        self.calls: dict[int, CallRecord] = {}
        self.door_releases: dict[int, DoorReleaseRecord] = {}
        self.messages: dict[int, MessageRecord] = {}
        self.keychains: dict[int, KeychainRecord] = {}
        self.virtual_keys: dict[int, VirtualKeyRecord] = {}
        self.integrations: dict[str, IntegrationRecord] = {}
        self.door_release_requests: dict[int, DoorReleaseRequestRecord] = {}
        self.admins: dict[int, frozenset[int]] = {}
        self._render_world(world)
        # Auto-increment ids continue after the seeded ones, as a database sequence would.
        self._sequences: dict[str, Iterator[int]] = {
            "unit": itertools.count(max(self.units) + 1),
            "user": itertools.count(max(self.users) + 1),
            "tenant": itertools.count(max(self.tenants, default=129_200) + 1),
            "call": itertools.count(880_001),
            "door_release": itertools.count(2_450_001),
            "message": itertools.count(61_001),
            "keychain": itertools.count(310_001),
            "virtual_key": itertools.count(520_001),
            "door_release_request": itertools.count(9_001),
        }

    def next_id(self, kind: str) -> int:
        return next(self._sequences[kind])

    def uuid(self) -> str:
        bits = self.rng.getrandbits(128)
        # Shape it as a version-4 UUID, like the vendor's guids.
        bits = (bits & ~(0xF000 << 64)) | (0x4000 << 64)
        bits = (bits & ~(0xC000 << 48)) | (0x8000 << 48)
        text = f"{bits:032x}"
        return f"{text[:8]}-{text[8:12]}-{text[12:16]}-{text[16:20]}-{text[20:]}"

    def s3_picture(self, name: str) -> Picture:
        folder = f"{S3_UPLOADS}/{self.rng.getrandbits(64):016x}/store"
        return Picture(f"{folder}/thumb_{name}.jpg", f"{folder}/medium_{name}.jpg")

    def voice_url(self) -> str:
        return f"{S3_UPLOADS}/{self.rng.getrandbits(64):016x}/store/voice_message.mp3"

    def qr_code_url(self, at: float) -> str:
        stamp = _day(at)
        token = "".join(self.rng.choice("0123456789abcdefghijklmnopqrstuvwxyz") for _ in range(7))
        return (
            f"{S3_UPLOADS}/qr_codes/qr_code_{stamp}-{self.rng.randrange(10**6, 10**7)}-{token}.png"
        )

    # ---- who sees what -------------------------------------------------------------------

    def viewer(self, user_id: int) -> Viewer:
        return Viewer(user_id, self.admins.get(user_id, frozenset()))

    def tenancies_of(self, user_id: int, now: float) -> list[TenantRecord]:
        return [
            t
            for t in self.tenants.values()
            if t.user_id == user_id and (t.inactive_at is None or t.inactive_at > now)
        ]

    def visible_unit_ids(self, viewer: Viewer, now: float) -> set[int]:
        """Units a user reaches: every unit of buildings they administer, plus their own."""
        units = {u.id for u in self.units.values() if u.building_id in viewer.admin_buildings}
        units.update(
            t.unit_id for t in self.tenancies_of(viewer.user_id, now) if t.unit_id in self.units
        )
        return units

    def visible_building_ids(self, viewer: Viewer, now: float) -> set[int]:
        buildings = set(viewer.admin_buildings)
        for tenancy in self.tenancies_of(viewer.user_id, now):
            unit = self.units.get(tenancy.unit_id)
            if unit is not None:
                buildings.add(unit.building_id)
        return buildings

    def visible_tenants(self, viewer: Viewer, now: float) -> list[TenantRecord]:
        """Admins see every tenancy in their buildings; a resident sees their own."""
        own = {t.id for t in self.tenancies_of(viewer.user_id, now)}
        return [
            t
            for t in self.tenants.values()
            if t.id in own or self.building_of_unit(t.unit_id) in viewer.admin_buildings
        ]

    def building_of_unit(self, unit_id: int) -> int | None:
        unit = self.units.get(unit_id)
        return unit.building_id if unit is not None else None

    def tenants_of_unit(self, unit_id: int) -> list[TenantRecord]:
        return list(self.tenants.of_unit(unit_id))

    def user_by_email(self, email: str) -> UserRecord | None:
        wanted = email.strip().lower()
        return next((u for u in self.users.values() if u.email.lower() == wanted), None)

    # ---- the seeded world ----------------------------------------------------------------

    def _render_world(self, world: World) -> None:
        rng = self.rng
        for b in world.buildings:
            strategy = (
                "first_name_and_last_name_initial"
                if b.index == 0
                else rng.choice(DISPLAY_NAME_STRATEGIES[2:])
            )
            logo = self.s3_picture("logo") if b.index < 2 else Picture(None, None)
            panel_logo = self.s3_picture("panel_logo") if b.index < 2 else Picture(None, None)
            self.buildings[b.bmx_id] = BuildingRecord(
                id=b.bmx_id,
                name=b.name,
                building_type="multi_family",
                display_name_strategy=strategy,
                door_release_pin=False,
                qr_key_enabled=True,
                nfc_enabled=b.index % 2 == 1,
                send_panel_status_report=False,
                mobile_logo=logo,
                panel_logo=panel_logo,
                address_1=b.address_1,
                address_2=f"{b.city}, {STATE_CODES.get(b.state, b.state)} {b.zip_code}",
                city=b.city,
                state=b.state,
                zip_code=b.zip_code,
                phone_number=b.phone_number,
                country="us",
                time_zone=RAILS_ZONES.get(b.time_zone, b.time_zone),
                created_at=b.created_at,
                updated_at=b.created_at + 86_400,
            )
            for panel in b.panels:
                self.panels[panel.bmx_id] = PanelRecord(panel.bmx_id, panel.name, b.bmx_id)
        for u in world.units:
            self.units[u.bmx_id] = UnitRecord(
                u.bmx_id, u.building, u.label, u.floor, "apartment", u.created_at, u.created_at
            )
        for t in world.tenancies:
            p = t.person
            self.users[p.bmx_user_id] = UserRecord(
                id=p.bmx_user_id,
                first_name=p.first_name,
                last_name=p.last_name,
                email=p.email,
                phone_number=p.phone_number,
                sms_phone_number=p.phone_number if rng.random() < 0.6 else None,
                created_at=t.active_at - 3600,
                updated_at=t.active_at,
            )
            self.tenants[t.bmx_id] = TenantRecord(
                id=t.bmx_id,
                user_id=p.bmx_user_id,
                unit_id=t.unit,
                active_at=t.active_at,
                inactive_at=None,
                created_at=t.active_at,
                updated_at=t.active_at,
                pin=t.pin,
                directory_message=None,
                display_only_on_search=rng.random() < 0.2,
                email_notifications=rng.random() < 0.8,
                sms_notifications=rng.random() < 0.5,
            )
        m = world.manager
        self.users[m.bmx_user_id] = UserRecord(
            id=m.bmx_user_id,
            first_name=m.first_name,
            last_name=m.last_name,
            email=m.email,
            phone_number=m.phone_number,
            sms_phone_number=m.phone_number,
            created_at=WORLD_EPOCH - 500 * 86_400,
            updated_at=WORLD_EPOCH - 500 * 86_400,
        )
        self.admins[m.bmx_user_id] = frozenset(self.buildings)
        for ap in world.access_points:
            stamp = self.buildings[ap.building].created_at + 7 * 86_400 + ap.bmx_id
            self.access_points[ap.bmx_id] = AccessPointRecord(
                ap.bmx_id, ap.name, ap.kind, ap.building, [ap.device_id], stamp, stamp
            )
            device_type, model = CONTROLLER_DEVICES[ap.kind]
            self.devices[ap.device_id] = DeviceRecord(
                id=ap.device_id,
                name=f"{ap.name} Controller",
                type=device_type,
                model=model,
                serial_number=f"BMX-{ap.device_id:08d}",
                building_id=ap.building,
                unit_id=None,
                access_point_id=ap.bmx_id,
                created_at=stamp,
                updated_at=stamp,
            )
        for lock in world.locks:
            if lock.vendor != "butterflymx":
                continue
            stamp = self.units[lock.unit].created_at + 2 * 86_400
            device_id = int(lock.vendor_id)
            self.devices[device_id] = DeviceRecord(
                id=device_id,
                name=lock.name,
                type="smart_lock",
                model=None,
                serial_number=lock.serial_number,
                building_id=lock.building,
                unit_id=lock.unit,
                access_point_id=None,
                created_at=stamp,
                updated_at=stamp,
            )


def _day(at: float) -> str:
    return datetime.fromtimestamp(at, UTC).strftime("%Y%m%d")
