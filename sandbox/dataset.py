"""The demo world: one deterministic skeleton of buildings, people and sensors.

Every vendor simulator renders its own records from this skeleton, and the
cross-vendor site map is read straight off it. All vendor IDs are assigned here,
so the same seed always gives the same IDs in every vendor and in the site map.
"""

from __future__ import annotations

import random
import string
import uuid
from dataclasses import dataclass, field
from typing import Any

FIRST_NAMES = (
    "Ada",
    "Amara",
    "Ben",
    "Carmen",
    "Chen",
    "Dara",
    "Elif",
    "Emeka",
    "Farah",
    "Felix",
    "Grace",
    "Hiro",
    "Ines",
    "Ivan",
    "Jae",
    "Jonas",
    "Kavya",
    "Leila",
    "Luca",
    "Maya",
    "Mateo",
    "Nadia",
    "Noah",
    "Olu",
    "Priya",
    "Quinn",
    "Rosa",
    "Sami",
    "Tariq",
    "Uma",
    "Vera",
    "Wei",
    "Xena",
    "Yusuf",
    "Zoe",
    "Aiden",
    "Bea",
    "Cyrus",
    "Dina",
    "Ezra",
)
LAST_NAMES = (
    "Abbott",
    "Banerjee",
    "Castillo",
    "Dubois",
    "Eriksen",
    "Fischer",
    "Garcia",
    "Haddad",
    "Ito",
    "Jensen",
    "Kowalski",
    "Lindqvist",
    "Moreau",
    "Nakamura",
    "Okafor",
    "Petrov",
    "Quintero",
    "Rossi",
    "Schmidt",
    "Tanaka",
    "Ueda",
    "Varga",
    "Walsh",
    "Xu",
    "Yilmaz",
    "Zhang",
    "Adeyemi",
    "Brennan",
    "Costa",
    "Delgado",
)
BUILDING_SITES = (
    # name, street, city, state (full name, as ButterflyMX prints it), zip, IANA zone
    ("Harbor View", "120 Harbor Way", "Boston", "Massachusetts", "02110", "America/New_York"),
    ("Maple Court", "48 Maple Street", "Denver", "Colorado", "80202", "America/Denver"),
    (
        "Sunset Lofts",
        "900 Sunset Blvd",
        "Los Angeles",
        "California",
        "90026",
        "America/Los_Angeles",
    ),
    ("Riverside Commons", "15 River Road", "Chicago", "Illinois", "60601", "America/Chicago"),
    ("Cedar House", "77 Cedar Lane", "Seattle", "Washington", "98101", "America/Los_Angeles"),
    ("Union Square", "300 Union Ave", "New York", "New York", "10003", "America/New_York"),
)
ACCESS_POINT_KINDS = ("intercom", "acs_controller", "smart_keypad", "common_area_lock")
ACCESS_POINT_NAMES = {
    "intercom": ("Main Entrance Panel", "Lobby Panel", "Garage Panel", "Side Gate Panel"),
    "acs_controller": ("Lobby Door ACS", "Gym Door ACS", "Roof Access ACS", "Package Room ACS"),
    "smart_keypad": ("Bike Room Keypad", "Storage Keypad", "Mail Room Keypad"),
    "common_area_lock": ("Laundry Lock", "Pool Gate Lock", "Lounge Lock", "Courtyard Lock"),
}
# Butlr room types used by the demo rooms; "hotdesk", "phoneroom" and "confroom" appear in
# the reference's room samples although they are missing from List Room Types, so we use
# only keys from that list.
ROOM_PLAN = (
    ("Lobby", "entrance", 40),
    ("Gym", "gym", 25),
    ("Laundry", "laundry", 8),
    ("Mail Room", "storage", 6),
    ("Lounge", "livingroom", 30),
    ("Kitchen", "kitchen", 12),
    ("Library", "library", 15),
    ("Games Room", "gamesroom", 16),
    ("Spa", "spa", 10),
    ("Garage", "garage", 60),
    ("Patio", "patio", 35),
    ("Office", "office", 12),
    ("Hall", "hall", 20),
    ("Bike Storage", "storage", 10),
    ("Dining Room", "diningroom", 24),
    ("Balcony", "balcony", 10),
    ("Pantry", "pantry", 4),
    ("Elevator Lobby", "elevator", 12),
    ("Attic Studio", "attic", 8),
    ("Stairs", "stairs", 6),
)
SENSOR_MODES = ("headcount", "activity")  # doorway counter first, then area presence


@dataclass(frozen=True)
class DatasetSpec:
    """How big the demo world is. The defaults meet the product's demo requirements."""

    seed: int = 42
    units_per_building: tuple[int, ...] = (100, 100, 100)
    tenants_per_unit: int = 2
    access_points: int = 40
    rooms_per_space: int = 20
    sensors_per_room: int = 2
    hives_per_space: int = 2

    @property
    def buildings(self) -> int:
        return len(self.units_per_building)


@dataclass
class Panel:
    bmx_id: int
    name: str
    building: int  # ButterflyMX building id


@dataclass
class Building:
    index: int
    bmx_id: int
    name: str
    address_1: str
    city: str
    state: str
    zip_code: str
    time_zone: str
    phone_number: str
    rl_location_id: str
    butlr_space_id: str
    created_at: float
    panels: list[Panel] = field(default_factory=list)


@dataclass
class Unit:
    bmx_id: int
    building: int  # ButterflyMX building id
    label: str
    floor: int
    created_at: float


@dataclass
class Person:
    bmx_user_id: int
    first_name: str
    last_name: str
    email: str
    phone_number: str

    @property
    def name(self) -> str:
        return f"{self.first_name} {self.last_name}"


@dataclass
class Tenancy:
    """A ButterflyMX tenant: the join of a person and a unit (`units_users`)."""

    bmx_id: int  # also the v4 tenant id: the references never relate the two, we keep them equal
    person: Person
    unit: int  # ButterflyMX unit id
    building: int
    active_at: float
    pin: str | None


@dataclass
class AccessPoint:
    bmx_id: int
    building: int
    name: str
    kind: str
    device_id: int  # the ButterflyMX device that controls it
    panel_id: int | None  # intercom access points are panels


@dataclass
class Lock:
    """One smart lock on one unit's door; owned by ButterflyMX (v4 device) or RemoteLock."""

    vendor: str  # "butterflymx" | "remotelock"
    vendor_id: str  # numeric string for ButterflyMX devices, UUID for RemoteLock locks
    unit: int
    building: int
    name: str
    serial_number: str


@dataclass
class Hive:
    butlr_id: str
    serial_number: str
    space: str


@dataclass
class Room:
    butlr_id: str
    space: str
    building: int
    name: str
    room_type: str
    capacity: int
    coordinates: list[list[float]]


@dataclass
class Sensor:
    butlr_id: str
    mac_address: str
    room: str
    hive: str
    space: str
    mode: str
    center: list[float]


@dataclass
class Space:
    butlr_id: str
    name: str
    building: int
    capacity: int


@dataclass
class World:
    spec: DatasetSpec
    buildings: list[Building]
    units: list[Unit]
    people: list[Person]
    tenancies: list[Tenancy]
    access_points: list[AccessPoint]
    locks: list[Lock]
    spaces: list[Space]
    hives: list[Hive]
    rooms: list[Room]
    sensors: list[Sensor]
    manager: Person  # the demo property manager: building admin on every building

    def site_map(self) -> dict[str, Any]:
        """The cross-vendor join the graph needs, in vendor IDs (all strings)."""
        units_by_building: dict[int, int] = {}
        for unit in self.units:
            units_by_building[unit.building] = units_by_building.get(unit.building, 0) + 1
        return {
            "buildings": [
                {
                    "name": b.name,
                    "butterflymx_building_id": str(b.bmx_id),
                    "remotelock_location_ids": [b.rl_location_id],
                    "butlr_space_ids": [b.butlr_space_id],
                    "unit_count": units_by_building.get(b.bmx_id, 0),
                }
                for b in self.buildings
            ],
            "locks": [
                {
                    "vendor": lock.vendor,
                    "vendor_id": lock.vendor_id,
                    "butterflymx_unit_id": str(lock.unit),
                    "butterflymx_building_id": str(lock.building),
                }
                for lock in self.locks
            ],
            "rooms": [
                {
                    "butlr_room_id": r.butlr_id,
                    "butlr_space_id": r.space,
                    "butterflymx_building_id": str(r.building),
                    "butterflymx_unit_id": None,
                }
                for r in self.rooms
            ],
        }


class _Ids:
    """Deterministic vendor-shaped identifiers drawn from one RNG."""

    _BASE62 = string.digits + string.ascii_uppercase + string.ascii_lowercase

    def __init__(self, rng: random.Random) -> None:
        self._rng = rng

    def uuid4(self) -> str:
        return str(uuid.UUID(int=self._rng.getrandbits(128), version=4))

    def ksuid(self, prefix: str) -> str:
        # Butlr ids are `<type>_` + 27 base62 characters (KSUID-like).
        body = "".join(self._rng.choice(self._BASE62) for _ in range(27))
        return f"{prefix}_{body}"

    def mac(self) -> str:
        # Butlr sample MACs are 8-octet, lowercase, dash-separated, starting 00-17-0d.
        tail = [f"{self._rng.randrange(256):02x}" for _ in range(5)]
        return "-".join(["00", "17", "0d", *tail])

    def hex_serial(self) -> str:
        return "".join(self._rng.choice("0123456789abcdef") for _ in range(16))


# The demo world is dated relative to a fixed epoch, not to "now", so that a seed
# reproduces byte-identical records (2026-01-05T09:00:00Z).
WORLD_EPOCH = 1_767_603_600.0


def build_world(spec: DatasetSpec | None = None) -> World:
    """Generate the whole demo world from `spec.seed`; same spec, same world."""
    spec = spec or DatasetSpec()
    if spec.buildings > len(BUILDING_SITES):
        raise ValueError(f"at most {len(BUILDING_SITES)} buildings are supported")
    rng = random.Random(spec.seed)
    ids = _Ids(rng)

    next_bmx = {
        "building": 11_740,
        "unit": 101_300,
        "user": 54_000,
        "tenant": 129_200,
        "panel": 700,
        "ap": 3_990,
        "device": 37_100,
    }

    def bmx(kind: str) -> int:
        next_bmx[kind] += 1
        return next_bmx[kind]

    buildings: list[Building] = []
    for index in range(spec.buildings):
        name, street, city, state, zip_code, tz = BUILDING_SITES[index]
        buildings.append(
            Building(
                index=index,
                bmx_id=bmx("building"),
                name=name,
                address_1=street,
                city=city,
                state=state,
                zip_code=zip_code,
                time_zone=tz,
                phone_number=f"({rng.randrange(200, 999)}) 555-{rng.randrange(1000, 9999)}",
                rl_location_id=ids.uuid4(),
                butlr_space_id=ids.ksuid("space"),
                created_at=WORLD_EPOCH - 86_400 * (400 - 30 * index),
            )
        )

    units: list[Unit] = []
    for building, count in zip(buildings, spec.units_per_building, strict=True):
        per_floor = 10
        for n in range(count):
            floor = n // per_floor + 1
            label = f"{floor}{string.ascii_uppercase[n % per_floor]}"
            units.append(
                Unit(
                    bmx_id=bmx("unit"),
                    building=building.bmx_id,
                    label=label,
                    floor=floor,
                    created_at=building.created_at + 3600 * n,
                )
            )

    people: list[Person] = []
    tenancies: list[Tenancy] = []
    used_emails: set[str] = set()
    for unit in units:
        for _ in range(spec.tenants_per_unit):
            first, last = rng.choice(FIRST_NAMES), rng.choice(LAST_NAMES)
            email = f"{first}.{last}".lower() + "@residents.example.com"
            suffix = 2
            while email in used_emails:
                email = f"{first}.{last}{suffix}".lower() + "@residents.example.com"
                suffix += 1
            used_emails.add(email)
            person = Person(
                bmx_user_id=bmx("user"),
                first_name=first,
                last_name=last,
                email=email,
                phone_number=f"+1617555{rng.randrange(1000, 9999)}",
            )
            people.append(person)
            pin = f"{rng.randrange(10**5, 10**6)}" if rng.random() < 0.5 else None
            tenancies.append(
                Tenancy(
                    bmx_id=bmx("tenant"),
                    person=person,
                    unit=unit.bmx_id,
                    building=unit.building,
                    active_at=unit.created_at + 86_400,
                    pin=pin,
                )
            )
    manager = Person(
        bmx_user_id=bmx("user"),
        first_name="Morgan",
        last_name="Reyes",
        email="manager@concierge.example.com",
        phone_number="+16175550100",
    )

    access_points: list[AccessPoint] = []
    for n in range(spec.access_points):
        building = buildings[n % len(buildings)]
        kind = ACCESS_POINT_KINDS[(n // len(buildings)) % len(ACCESS_POINT_KINDS)]
        names = ACCESS_POINT_NAMES[kind]
        ordinal = n // (len(buildings) * len(ACCESS_POINT_KINDS))
        name = names[ordinal % len(names)]
        if ordinal >= len(names):
            name = f"{name} {ordinal // len(names) + 1}"
        panel_id = None
        if kind == "intercom":
            panel = Panel(bmx_id=bmx("panel"), name=name, building=building.bmx_id)
            building.panels.append(panel)
            panel_id = panel.bmx_id
        access_points.append(
            AccessPoint(
                bmx_id=bmx("ap"),
                building=building.bmx_id,
                name=name,
                kind=kind,
                device_id=bmx("device"),
                panel_id=panel_id,
            )
        )

    locks: list[Lock] = []
    unit_labels = {u.bmx_id: u.label for u in units}
    for position, unit in enumerate(units):
        # Alternate vendors so every building has both kinds of unit lock.
        if position % 2 == 0:
            locks.append(
                Lock(
                    vendor="butterflymx",
                    vendor_id=str(bmx("device")),
                    unit=unit.bmx_id,
                    building=unit.building,
                    name=f"Unit {unit.label} Smart Lock",
                    serial_number=f"BMX-SL-{rng.randrange(10**7, 10**8)}",
                )
            )
        else:
            locks.append(
                Lock(
                    vendor="remotelock",
                    vendor_id=ids.uuid4(),
                    unit=unit.bmx_id,
                    building=unit.building,
                    name=f"Unit {unit_labels[unit.bmx_id]} Door",
                    serial_number=f"AC000W{rng.randrange(10**6, 10**7)}",
                )
            )

    spaces: list[Space] = []
    hives: list[Hive] = []
    rooms: list[Room] = []
    sensors: list[Sensor] = []
    for building in buildings:
        space = Space(
            butlr_id=building.butlr_space_id,
            name=f"{building.name} Amenities",
            building=building.bmx_id,
            capacity=0,
        )
        spaces.append(space)
        space_hives = [
            Hive(butlr_id=ids.ksuid("hive"), serial_number=ids.hex_serial(), space=space.butlr_id)
            for _ in range(spec.hives_per_space)
        ]
        hives.extend(space_hives)
        for r in range(spec.rooms_per_space):
            name, room_type, capacity = ROOM_PLAN[r % len(ROOM_PLAN)]
            if r >= len(ROOM_PLAN):
                name = f"{name} {r // len(ROOM_PLAN) + 1}"
            x, y = 10.0 + 12.0 * (r % 5), 10.0 + 10.0 * (r // 5)
            room = Room(
                butlr_id=ids.ksuid("room"),
                space=space.butlr_id,
                building=building.bmx_id,
                name=name,
                room_type=room_type,
                capacity=capacity,
                coordinates=[[x, y + 9.0], [x + 11.0, y + 9.0], [x + 11.0, y], [x, y]],
            )
            rooms.append(room)
            space.capacity += capacity
            for s in range(spec.sensors_per_room):
                hive = space_hives[(r * spec.sensors_per_room + s) % len(space_hives)]
                sensors.append(
                    Sensor(
                        butlr_id=ids.ksuid("sensor"),
                        mac_address=ids.mac(),
                        room=room.butlr_id,
                        hive=hive.butlr_id,
                        space=space.butlr_id,
                        mode=SENSOR_MODES[1] if s else SENSOR_MODES[0],
                        center=[round(x + 3.0 + 5.0 * s, 2), round(y + 4.5, 2)],
                    )
                )

    return World(
        spec=spec,
        buildings=buildings,
        units=units,
        people=people,
        tenancies=tenancies,
        access_points=access_points,
        locks=locks,
        spaces=spaces,
        hives=hives,
        rooms=rooms,
        sensors=sensors,
        manager=manager,
    )
