"""Butlr-shaped identifiers drawn from the simulator's seeded RNG, and MAC normalisation."""

from __future__ import annotations

import random
import re
import string

_BASE62 = string.digits + string.ascii_uppercase + string.ascii_lowercase
_MAC = re.compile(r"^[0-9a-f]{2}([:-][0-9a-f]{2}){5}(([:-][0-9a-f]{2}){2})?$")


def ksuid(rng: random.Random, prefix: str) -> str:
    """`<type>_` + 27 base62 characters, the reference's primary identifier look."""
    return f"{prefix}_" + "".join(rng.choice(_BASE62) for _ in range(27))


def alnum(rng: random.Random, length: int) -> str:
    return "".join(rng.choice(_BASE62) for _ in range(length))


def hex_serial(rng: random.Random) -> str:
    return "".join(rng.choice("0123456789abcdef") for _ in range(16))


def normalise_mac(value: str) -> str | None:
    """Lower-case, dash-separated form of a MAC-48 or EUI-64 address, or None if it is not one."""
    # Reference silent/contradictory: regex says MAC-48, samples are EUI-64; we take both, any case.
    lowered = value.strip().lower()
    if not _MAC.match(lowered):
        return None
    return lowered.replace(":", "-")
