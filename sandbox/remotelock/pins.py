"""Access-person PINs: the account-wide uniqueness rule and generated PINs."""

from __future__ import annotations

from concierge.sandbox.remotelock.store import Ids, Store

# Reference silent: generate_pin's format is undocumented; we generate 6 digits (no leading
# zero), unique among the account's persons that are not deactivated.
GENERATED_PIN_LENGTH = 6
PIN_LENGTHS = range(4, 9)


def pin_taken(store: Store, pin: str, except_id: str | None = None) -> bool:
    """Is `pin` already held by another live (not deactivated) person of the account?"""
    return any(
        person.attributes["pin"] == pin and person.attributes["status"] != "deactivated"
        for person in store.access_persons.values()
        if person.id != except_id
    )


def generate_pin(store: Store, ids: Ids) -> str:
    while True:
        pin = ids.digits(GENERATED_PIN_LENGTH)
        if not pin_taken(store, pin):
            return pin
