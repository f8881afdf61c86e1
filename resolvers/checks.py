"""Per-object checks: the one place every object passes before the graph shows it.

The schema builds each graph object from a view through `admitted`, on every path:
lists, node lookups, federation entities, and the lists a parent fills in ahead
(`Building.units` prefilling its units' tenants and doors). Today every object is
admitted; the authorization issue plugs a principal's rules in here.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Protocol, TypeVar

V = TypeVar("V")


class ObjectChecks(Protocol):
    def admits(self, view: object) -> bool:
        """May this request see `view` (a resolver view: a `TenantView`, a `DoorView`...)?"""
        ...


class AdmitAll:
    def admits(self, view: object) -> bool:
        return True


ADMIT_ALL = AdmitAll()


def admitted(checks: ObjectChecks, views: Iterable[V]) -> list[V]:
    """The views `checks` admits, in order."""
    if checks is ADMIT_ALL:
        return list(views)
    return [v for v in views if checks.admits(v)]


def admitted_one(checks: ObjectChecks, view: V | None) -> V | None:
    """`view` if admitted; a forbidden object answers as not found."""
    if view is None or checks is ADMIT_ALL or checks.admits(view):
        return view
    return None
