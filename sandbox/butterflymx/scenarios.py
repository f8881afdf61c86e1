"""Control-API scenarios: ring a call through its statuses, record a door release."""

from __future__ import annotations

from typing import Any

from concierge.sandbox.butterflymx import render
from concierge.sandbox.butterflymx.activity import (
    CALL_TYPES,
    DEFAULT_OUTCOME,
    DOOR_RELEASE_TYPES,
    NOTIFICATION_TYPES,
    OUTCOMES,
    PANEL_USER_TYPES,
    RELEASE_METHODS,
    AnswerRelease,
    status_plan,
)
from concierge.sandbox.butterflymx.context import Backend
from concierge.sandbox.butterflymx.records import UnitRecord
from concierge.sandbox.dataset import FIRST_NAMES, LAST_NAMES
from concierge.sandbox.vendor import ScenarioError

CALL_PARAMS = {
    "unit_id",
    "panel_id",
    "call_type",
    "notification_type",
    "outcome",
    "step_s",
    "open_door",
}
RELEASE_PARAMS = {
    "unit_id",
    "user_id",
    "release_method",
    "door_release_type",
    "panel_user_type",
    "name",
    "call_guid",
}


def _check_keys(params: dict[str, Any], known: set[str]) -> None:
    unknown = set(params) - known
    if unknown:
        raise ScenarioError(f"unknown parameters {sorted(unknown)}; known: {sorted(known)}")


def _choice(params: dict[str, Any], key: str, allowed: tuple[str, ...], default: str) -> str:
    value = params.get(key, default)
    if value not in allowed:
        raise ScenarioError(f"`{key}` must be one of {list(allowed)}")
    return str(value)


def _unit(backend: Backend, params: dict[str, Any], default_unit: int) -> UnitRecord:
    raw = params.get("unit_id", default_unit)
    unit_id = int(raw) if isinstance(raw, (int, str)) and str(raw).isdigit() else None
    if unit_id is None or unit_id not in backend.store.units:
        raise ScenarioError(f"unknown unit_id {raw!r}")
    return backend.store.units[unit_id]


def _visitor(backend: Backend) -> str:
    rng = backend.store.rng
    return f"{rng.choice(FIRST_NAMES)} {rng.choice(LAST_NAMES)}"


async def ring_call(backend: Backend, params: dict[str, Any], default_unit: int) -> dict[str, Any]:
    """Params: unit_id, panel_id, call_type, notification_type, outcome, step_s, open_door."""
    _check_keys(params, CALL_PARAMS)
    unit = _unit(backend, params, default_unit)
    panels = [p for p in backend.store.panels.values() if p.building_id == unit.building_id]
    if not panels:
        raise ScenarioError(f"building {unit.building_id} has no intercom panel")
    if "panel_id" in params:
        panel = next((p for p in panels if p.id == params["panel_id"]), None)
        if panel is None:
            raise ScenarioError(f"panel_id must be one of {[p.id for p in panels]}")
    else:
        panel = backend.store.rng.choice(panels)
    call_type = _choice(params, "call_type", CALL_TYPES, "voip")
    outcome = _choice(params, "outcome", OUTCOMES[call_type], DEFAULT_OUTCOME[call_type])
    notification_type = _choice(params, "notification_type", NOTIFICATION_TYPES, "visitor")
    step_s = params.get("step_s", 1.0)
    if isinstance(step_s, bool) or not isinstance(step_s, (int, float)) or not 0 <= step_s <= 3600:
        raise ScenarioError("`step_s` must be a number of seconds between 0 and 3600")
    # `open_door` is ours: an answered call ends with a door release linked by call_guid.
    answer_release = None
    if params.get("open_door", False):
        tenants = backend.store.tenants_of_unit(unit.id)
        answer_release = AnswerRelease(
            release_id=backend.store.next_id("door_release"),
            name=_visitor(backend),
            user_id=tenants[0].user_id if tenants else None,
        )
    call = backend.activity.ring(
        unit_id=unit.id,
        panel_id=panel.id,
        call_type=call_type,
        notification_type=notification_type,
        outcome=outcome,
        step_s=float(step_s),
        answer_release=answer_release,
    )
    return {
        "call": {
            "id": call.id,
            "guid": call.guid,
            "call_type": call_type,
            "notification_type": notification_type,
            "unit_id": unit.id,
            "building_id": unit.building_id,
            "panel_id": panel.id,
            "status": call.status,
            "statuses": status_plan(call_type, outcome),
            "step_s": float(step_s),
            "door_release_id": answer_release.release_id if answer_release else None,
            "status_path": f"/api/v3/me/calls/{call.guid}/status",
        }
    }


async def release_door(
    backend: Backend, params: dict[str, Any], default_unit: int
) -> dict[str, Any]:
    """Params: unit_id, user_id, release_method, door_release_type, panel_user_type, name,
    call_guid."""
    _check_keys(params, RELEASE_PARAMS)
    unit = _unit(backend, params, default_unit)
    tenants = [t.user_id for t in backend.store.tenants_of_unit(unit.id)]
    user_id = params.get("user_id", tenants[0] if tenants else None)
    if user_id is not None and user_id not in tenants:
        raise ScenarioError(f"user_id must be a tenant of unit {unit.id}: {tenants}")
    name = params.get("name")
    if name is None:
        name = backend.store.users[user_id].name if user_id is not None else _visitor(backend)
    guid = params.get("call_guid")
    if not isinstance(name, str) or (guid is not None and not isinstance(guid, str)):
        raise ScenarioError("`name` and `call_guid` must be strings")
    release = backend.activity.record_door_release(
        unit_id=unit.id,
        release_method=_choice(params, "release_method", RELEASE_METHODS, "mobile"),
        door_release_type=_choice(params, "door_release_type", DOOR_RELEASE_TYPES, "visitor"),
        panel_user_type=_choice(params, "panel_user_type", PANEL_USER_TYPES, "default"),
        name=name,
        user_id=user_id,
        call_guid=guid,
    )
    return {"door_release": render.door_release(release, general=True)}
