"""Who is asking: a principal (role and scope), and the per-object checks it implies."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

from concierge.resolvers.access import BuildingView, TenantView, UnitView
from concierge.resolvers.activity import AccessGuestView, CallView, DoorReleaseView, KeychainView
from concierge.resolvers.doors import DoorView
from concierge.resolvers.keys import VisitorKeyView
from concierge.resolvers.occupancy import RoomView, SensorView, SpaceView
from concierge.resolvers.sitemap import SiteMap
from concierge.resolvers.store.records import VisitorKey
from concierge.resolvers.unlocks import AttemptView

Role = Literal["admin", "operator", "integration", "tenant", "demo"]
ROLES: tuple[Role, ...] = ("admin", "operator", "integration", "tenant", "demo")
# What an integration key may be granted; reads of every object come with any capability.
CAPABILITIES = frozenset({"read", "unlock", "lock", "keys", "pins"})


@dataclass(frozen=True)
class Principal:
    """An authenticated caller. `id` scopes idempotency keys and signs the audit log."""

    id: str
    role: Role
    building_ids: frozenset[str] = frozenset()  # operator: ButterflyMX building IDs
    tenant_ids: frozenset[str] = frozenset()  # tenant: ButterflyMX tenant IDs
    unit_ids: frozenset[str] = frozenset()  # tenant: ButterflyMX unit IDs (unit keys)
    capabilities: frozenset[str] = frozenset()  # integration
    via: str = "demo"  # api_key | jwt | demo

    @property
    def sees_everything(self) -> bool:
        return self.role in ("admin", "demo", "integration")

    def may(self, action: str) -> bool:
        """Mutations: `unlock`, `lock`, `keys` (issue/revoke), `pins`."""
        if self.role in ("admin", "demo", "operator", "tenant"):
            return True
        return action in self.capabilities


DEMO = Principal(id="demo", role="demo")


@dataclass
class PrincipalChecks:
    """`ObjectChecks` for one principal. Tenant scope (units, buildings) is resolved from
    the tenant IDs before the request runs (`resolvers.scopes.tenant_checks`)."""

    principal: Principal
    site_map: SiteMap
    units: frozenset[str] = frozenset()
    buildings: frozenset[str] = frozenset()
    _extra: dict[str, bool] = field(default_factory=dict)

    def admits(self, view: object, nested: bool = False) -> bool:
        p = self.principal
        if p.sees_everything:
            return True
        if isinstance(view, AttemptView):
            # Whoever asked, and the operators of the door's building (a property
            # manager's console follows its residents' unlocks); no one else.
            mine = view.principal == p.id
            return mine or (p.role == "operator" and view.building_id in p.building_ids)
        if p.role == "operator":
            return self._operator(view, nested)
        return self._tenant(view, nested)

    def _operator(self, view: object, nested: bool) -> bool:
        b = self.principal.building_ids
        match view:
            case BuildingView():
                return view.id in b
            case UnitView():
                return view.building_id in b
            case TenantView():
                return view.building_id in b
            case DoorView():
                return view.building_id in b
            case VisitorKeyView():
                # A key is as visible as its unit: under it, or by id (`keys.keys_by_id`).
                return nested or (view.building_id is not None and view.building_id in b)
            case VisitorKey():
                return nested  # the store's record: `keys.revoke_key` checks its unit next
            case SpaceView():
                return self.site_map.building_for_space(view.id) in b
            case RoomView():
                return self._room_building(view.id, view.space_id) in b
            case SensorView():
                return view.room_id is not None and self._room_building(view.room_id, None) in b
        # Objects that carry no building of their own (calls, releases, keychains, guests,
        # panels, hives, zones) are shown only under a parent that passed these checks.
        return nested

    def _tenant(self, view: object, nested: bool) -> bool:
        match view:
            case BuildingView():
                return view.id in self.buildings
            case UnitView():
                return view.id in self.units
            case TenantView():
                return view.id in self.principal.tenant_ids or view.unit_id in self.units
            case DoorView():
                if view.unit_id is not None:
                    return view.unit_id in self.units
                # The building's shared doors: entrances and common-area locks.
                return view.building_id in self.buildings and view.kind != "UNIT_LOCK"
            case VisitorKeyView():
                return _unit_id(view.unit_key) in self.units
            case VisitorKey():
                return view.unit_id in self.units
            case KeychainView():
                return nested  # only under the tenant's own unit
            case CallView() | DoorReleaseView() | AccessGuestView():
                return False  # building staff's records (other people's visits and PINs)
            case SpaceView() | RoomView() | SensorView():
                return False  # occupancy is for building staff
        return nested

    def _room_building(self, room_id: str, space_id: str | None) -> str | None:
        room = self.site_map.room(room_id)
        if room is not None and room.building_id is not None:
            return room.building_id
        space = space_id or (room.space_id if room is not None else None)
        return self.site_map.building_for_space(space) if space else None

    def may(self, action: str) -> bool:
        return self.principal.may(action)

    def scope_key(self) -> str:
        """What this principal may see, for cache keys of principal-dependent results."""
        p = self.principal
        return "|".join([p.role, ",".join(sorted(p.building_ids)), ",".join(sorted(self.units))])


def _unit_id(unit_key: str) -> str:
    # Unit node keys are "butterflymx:<id>".
    return unit_key.split(":", 1)[-1]
