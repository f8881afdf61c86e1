"""Control-API scenarios: a lock event at the door, a low battery, a lock going on/offline."""

from __future__ import annotations

import random
from typing import Any

from concierge.sandbox.remotelock.core import Core
from concierge.sandbox.remotelock.store import Record
from concierge.sandbox.vendor import Scenario, ScenarioError

LOCK_EVENTS = ("unlocked", "locked", "access_denied")


def _device(core: Core, params: dict[str, Any]) -> Record:
    ident = params.get("device_id")
    if not isinstance(ident, str) or not ident:
        raise ScenarioError("`device_id` (a RemoteLock lock id) is required")
    device = core.store.devices.get(ident)
    if device is None or device.type != "lock":
        raise ScenarioError(f"no lock with id {ident!r}")
    return device


def _optional_text(params: dict[str, Any], name: str) -> str | None:
    value = params.get(name)
    if value is not None and not isinstance(value, str):
        raise ScenarioError(f"`{name}` must be a string")
    return value


def _person_by_pin(core: Core, pin: str) -> Record | None:
    for person in core.store.access_persons.values():
        if person.attributes["pin"] == pin and person.attributes["status"] != "deactivated":
            return person
    return None


def _result(core: Core, event: Record, device: Record) -> dict[str, Any]:
    view = core.view()
    return {"event": view.render(event), "device": view.render(device)}


def build_scenarios(core: Core) -> dict[str, Scenario]:
    async def lock_event(params: dict[str, Any]) -> dict[str, Any]:
        device = _device(core, params)
        kind = params.get("event")
        if kind not in LOCK_EVENTS:
            raise ScenarioError(f"`event` must be one of {', '.join(LOCK_EVENTS)}")
        method, pin = _optional_text(params, "method"), _optional_text(params, "pin")
        person_id = _optional_text(params, "access_person_id")
        person = None
        if person_id is not None:
            person = core.store.access_persons.get(person_id)
            if person is None:
                raise ScenarioError(f"no access person with id {person_id!r}")
            pin = pin or person.attributes["pin"]
        elif pin is not None and kind == "unlocked":
            person = _person_by_pin(core, pin)
        if method is None:
            method = "pin" if pin or person or kind == "access_denied" else "manual"
        # Reference silent: access_denied has no example; we report it with status "failed".
        status = "failed" if kind == "access_denied" else "succeeded"
        event = core.record_lock_event(
            device, str(kind), method=method, person=person, pin=pin, status=status
        )
        return _result(core, event, device)

    async def battery_low(params: dict[str, Any]) -> dict[str, Any]:
        device = _device(core, params)
        level = params.get("power_level", 10)
        if isinstance(level, bool) or not isinstance(level, int) or not 0 <= level <= 100:
            raise ScenarioError("`power_level` must be an integer percentage (0-100)")
        device.attributes["power_level"] = level
        event = core.record_device_event(device, "power_level_low", {"power_level": level})
        return _result(core, event, device)

    async def connectivity(params: dict[str, Any]) -> dict[str, Any]:
        device = _device(core, params)
        connected = params.get("connected")
        if not isinstance(connected, bool):
            raise ScenarioError("`connected` (true or false) is required")
        attrs = device.attributes
        attrs["connected"] = attrs["alive"] = connected
        if connected:
            attrs["connected_at"] = core.now_iso()
        event = core.record_device_event(
            device, "connectivity", {"connected_at": attrs["connected_at"]}
        )
        return _result(core, event, device)

    async def unresponsive(params: dict[str, Any]) -> dict[str, Any]:
        device = _device(core, params)
        silent = params.get("unresponsive", True)
        if not isinstance(silent, bool):
            raise ScenarioError("`unresponsive` must be true or false")
        # Not in the reference: a lock that takes commands but never reports back (a
        # jammed radio link the cloud has not noticed), so callers can test their timeouts.
        (core.unresponsive.add if silent else core.unresponsive.discard)(device.id)
        return {"device_id": device.id, "unresponsive": silent}

    return {
        "lock_event": lock_event,
        "battery_low": battery_low,
        "connectivity": connectivity,
        "unresponsive": unresponsive,
    }


def ambient_step(core: Core, rng: random.Random) -> None:
    """One bit of life at a random connected door: mostly residents coming and going."""
    doors = [
        d for d in core.store.devices.values() if d.type == "lock" and d.attributes["connected"]
    ]
    if not doors:
        return
    door = rng.choice(doors)
    roll = rng.random()
    if roll < 0.6:
        residents = [
            core.store.access_persons[a.attributes["access_person_id"]]
            for a in core.store.accesses.values()
            if a.attributes["accessible_id"] == door.id
            and a.attributes["access_person_id"] in core.store.access_persons
        ]
        person = rng.choice(residents) if residents else None
        pin = None if person is None else person.attributes["pin"]
        core.record_lock_event(
            door, "unlocked", method="pin" if pin else "manual", person=person, pin=pin
        )
    elif roll < 0.9:
        core.record_lock_event(
            door, "locked", method=rng.choice(("manual", "auto_lock")), source="device"
        )
    elif roll < 0.95:
        core.record_lock_event(
            door, "access_denied", method="pin", pin=str(rng.randint(1000, 9999)), status="failed"
        )
    else:
        level = max(0, int(door.attributes["power_level"]) - rng.randint(1, 5))
        door.attributes["power_level"] = level
        if level < 20:
            core.record_device_event(door, "power_level_low", {"power_level": level})
