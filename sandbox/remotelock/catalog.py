"""The device models of `GET /models`, with the reference's ids and capabilities."""

from __future__ import annotations

from typing import Any

from concierge.sandbox.remotelock.store import Record

_LOCK_HEARTBEATS = [0, 300, 900, 1200, 1800, 3600, 7200, 14400, 28800, 43200]
_WIDE_HEARTBEATS = [0, 10, 60, 300, 600, 900, 1200, 1800, 3600, 7200, 10800, 14400]
_AUTO_LOCK_TIMEOUTS = list(range(5, 21))


def _wifi_lock(*, wake_wifi: list[str], card_only: bool = False) -> dict[str, Any]:
    """The LS-3i/5i/6i/7i/8i family: battery Wi-Fi locks with auto-lock and schedules."""
    return {
        "auto_lock_enable": True,
        "auto_lock_schedule": True,
        "auto_lock_timeouts": list(_AUTO_LOCK_TIMEOUTS),
        "connected": True,
        "guest_deferrable": False,
        "heartbeat_intervals": list(_LOCK_HEARTBEATS),
        "local_pins": not card_only,
        "lock_action_schedule": True,
        "mute": True,
        "phone_credential": False,
        "pin_credential": not card_only,
        "power_sources": ["alkaline_battery", "lithium_battery"],
        "programming_code": not card_only,
        "registrable": True,
        "replaceable": True,
        "smart_card_credential": card_only,
        "wake_wifi": wake_wifi,
    }


def _deadbolt(*, auto_lock_schedule: bool) -> dict[str, Any]:
    """The LS-DB500i / LS-L500i family."""
    return {
        "auto_lock_enable": False,
        "auto_lock_schedule": auto_lock_schedule,
        "auto_lock_timeouts": [],
        "connected": True,
        "guest_deferrable": True,
        "heartbeat_intervals": list(_WIDE_HEARTBEATS),
        "local_pins": True,
        "lock_action_schedule": False,
        "mute": False,
        "phone_credential": False,
        "pin_credential": True,
        "power_sources": [],
        "programming_code": True,
        "registrable": True,
        "replaceable": False,
        "smart_card_credential": False,
        "wake_wifi": [],
    }


def _plug() -> dict[str, Any]:
    return {
        "connected": True,
        "heartbeat_intervals": list(_WIDE_HEARTBEATS),
        "power_sources": ["hardwire"],
        "registrable": True,
        "replaceable": False,
    }


def _resort() -> dict[str, Any]:
    return {
        "connected": False,
        "phone_credential": False,
        "pin_credential": False,
        "registrable": True,
        "replaceable": False,
        "smart_card_credential": False,
    }


def _thermostat(modes: list[str], fans: list[str], power: list[str]) -> dict[str, Any]:
    return {
        "connected": True,
        "fan_modes": fans,
        "heartbeat_intervals": list(_WIDE_HEARTBEATS),
        "modes": modes,
        "power_sources": power,
        "registrable": True,
        "replaceable": False,
    }


_TWO_WAKES = ["user_action", "heartbeat_interval"]

# (id, number, device type, capabilities) in the order of the reference's `GET /models` example.
MODELS: tuple[tuple[str, str, str, dict[str, Any]], ...] = (
    ("422973fc-c005-4bc6-a486-b2dbf510ea66", "RL-4000", "resort_lock", _resort()),
    ("e45ad90f-68b8-4a35-8d83-a83f39037c32", "LS-P50i", "power_plug", _plug()),
    ("134d7fc2-73f1-4221-a510-7aafc5017773", "LS-3i", "lock", _wifi_lock(wake_wifi=_TWO_WAKES)),
    ("8d089dce-de26-4ebf-833d-6c664bce82ab", "LS-P100mi", "power_plug", _plug()),
    (
        "d7251cab-c4f8-40da-8278-be595a88ad25",
        "LS-5i",
        "lock",
        _wifi_lock(wake_wifi=[*_TWO_WAKES, "user_action_except_manual"]),
    ),
    (
        "f36eef55-0e59-4bba-8893-437fef018003",
        "LS-DB500i",
        "lock",
        _deadbolt(auto_lock_schedule=False),
    ),
    (
        "692d7212-2fb8-466d-af5b-26e6d452bdb7",
        "LS-L500i",
        "lock",
        _deadbolt(auto_lock_schedule=True),
    ),
    ("4d3be5ed-b314-4cb7-8119-2a75d57734e5", "LS-7i", "lock", _wifi_lock(wake_wifi=_TWO_WAKES)),
    (
        "10eacf93-c715-4931-8d71-ae4adb392909",
        "LS-90i",
        "thermostat",
        _thermostat(
            ["heat", "cool", "auto", "off"], ["on", "auto", "auto_circulate"], ["hardwire"]
        ),
    ),
    ("945983f6-20ef-4b7a-96c2-44c22da37715", "RL-2000", "resort_lock", _resort()),
    (
        "f86d4270-77b5-4938-b630-5dc42e12be44",
        "August",
        "lock",
        {
            "auto_lock_enable": False,
            "auto_lock_schedule": False,
            "auto_lock_timeouts": [],
            "connected": True,
            "guest_deferrable": False,
            "heartbeat_intervals": [],
            "local_pins": True,
            "lock_action_schedule": False,
            "mute": False,
            "phone_credential": True,
            "pin_credential": True,
            "power_sources": [],
            "programming_code": False,
            "registrable": False,
            "replaceable": False,
            "smart_card_credential": False,
            "wake_wifi": [],
        },
    ),
    (
        "9aa8e7c0-c148-4519-a93d-ab721372a4ce",
        "LS-8i",
        "lock",
        _wifi_lock(wake_wifi=_TWO_WAKES, card_only=True),
    ),
    (
        "0eefd459-7fe4-413b-8dcf-591b4403fcb4",
        "LS-60i",
        "thermostat",
        _thermostat(["heat", "cool", "off"], ["on", "auto"], ["battery", "hardwire"]),
    ),
    ("7bcd9665-e9a7-4b4e-807f-a3177cf339c1", "LS-6i", "lock", _wifi_lock(wake_wifi=_TWO_WAKES)),
    ("649848cb-3d67-40f2-a28c-dafa697f427b", "LS-P100i", "power_plug", _plug()),
)


def model_records() -> list[Record]:
    return [
        Record("model", model_id, {"number": number, "type": kind, "capabilities": caps})
        for model_id, number, kind, caps in MODELS
    ]


def model_id_by_number(number: str) -> str:
    for model_id, known, _, _ in MODELS:
        if known == number:
            return model_id
    raise KeyError(number)
