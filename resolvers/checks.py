"""Per-object checks: the one place every object passes before the graph shows it.

The schema builds each graph object from a view through `admitted`, on every path:
lists, node lookups, federation entities, and the lists a parent fills in ahead
(`Building.units` prefilling its units' tenants and doors). A principal's rules
(`resolvers.principals.PrincipalChecks`) plug in here. `nested` says the object was reached
under a parent that passed these checks (or as a mutation's answer, whose target was
checked first); objects that carry no owner of their own are admitted only so.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Protocol, TypeVar

V = TypeVar("V")


class ObjectChecks(Protocol):
    def admits(self, view: object, nested: bool = False) -> bool:
        """May this request see `view` (a resolver view: a `TenantView`, a `DoorView`...)?"""
        ...


class AdmitAll:
    def admits(self, view: object, nested: bool = False) -> bool:
        return True


ADMIT_ALL = AdmitAll()


def require(checks: ObjectChecks, action: str) -> None:
    """Refuse `action` (unlock, lock, keys, pins) before anything is looked up or sent,
    when the principal behind `checks` was not granted it (an integration's capabilities)."""
    may = getattr(checks, "may", None)
    if may is not None and not may(action):
        from concierge.resolvers.outcomes import NotPermittedError

        raise NotPermittedError(f"This credential is not allowed to {action}.")


def admitted(checks: ObjectChecks, views: Iterable[V], nested: bool = False) -> list[V]:
    """The views `checks` admits, in order."""
    if checks is ADMIT_ALL:
        return list(views)
    return [v for v in views if checks.admits(v, nested)]


def admitted_one(checks: ObjectChecks, view: V | None, nested: bool = False) -> V | None:
    """`view` if admitted; a forbidden object answers as not found."""
    if view is None or checks is ADMIT_ALL or checks.admits(view, nested):
        return view
    return None
