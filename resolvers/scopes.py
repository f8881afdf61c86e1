"""A principal's checks, with a tenant's units and buildings looked up once per connection."""

from __future__ import annotations

from concierge.resolvers import access
from concierge.resolvers.checks import ADMIT_ALL, ObjectChecks
from concierge.resolvers.context import RequestContext
from concierge.resolvers.principals import Principal, PrincipalChecks


class DenyAll:
    """Before a WebSocket's `connection_init` authenticated it: nothing is visible."""

    def admits(self, view: object, nested: bool = False) -> bool:
        return False

    def may(self, action: str) -> bool:
        return False


DENY_ALL = DenyAll()


async def checks_for_principal(ctx: RequestContext, principal: Principal) -> ObjectChecks:
    """What `principal` may see. A tenant's units come from its tenant records (and unit
    keys); unknown IDs simply grant nothing."""
    if principal.role in ("admin", "demo"):
        return ADMIT_ALL
    checks = PrincipalChecks(principal, ctx.services.site_map)
    if principal.role != "tenant":
        return checks
    units = set(principal.unit_ids)
    buildings: set[str] = set()
    if principal.tenant_ids:
        keys = [f"butterflymx:{t}" for t in sorted(principal.tenant_ids)]
        for tenant in await access.tenants_by_id(ctx, keys):
            if tenant is not None:
                units.add(tenant.unit_id)
                buildings.add(tenant.building_id)
    if principal.unit_ids:
        keys = [f"butterflymx:{u}" for u in sorted(principal.unit_ids)]
        for unit in await access.units_by_id(ctx, keys):
            if unit is not None and unit.building_id is not None:
                buildings.add(unit.building_id)
    checks.units = frozenset(units)
    checks.buildings = frozenset(buildings)
    return checks
