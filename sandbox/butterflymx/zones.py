"""Building time zones: Rails names (as ButterflyMX prints them) or IANA names, and offsets."""

from __future__ import annotations

import zoneinfo
from datetime import UTC, datetime

from concierge.sandbox.butterflymx.store import RAILS_ZONES

IANA_FOR_RAILS = {rails: iana for iana, rails in RAILS_ZONES.items()} | {
    "Atlantic Time (Canada)": "America/Halifax",
    "Hawaii": "Pacific/Honolulu",
    "Alaska": "America/Juneau",
    "Arizona": "America/Phoenix",
    "London": "Europe/London",
}


def zone_for(name: str) -> zoneinfo.ZoneInfo | None:
    """A Rails zone name or an IANA name, as ButterflyMX accepts both."""
    try:
        return zoneinfo.ZoneInfo(IANA_FOR_RAILS.get(name, name))
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        return None


def utc_offset(name: str, now: float) -> str:
    zone = zone_for(name)
    if zone is None:
        return "+00:00"
    text = datetime.fromtimestamp(now, UTC).astimezone(zone).strftime("%z")
    return f"{text[:3]}:{text[3:]}"
