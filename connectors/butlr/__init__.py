"""The Butlr connector: spaces, rooms, zones, sensors, hives and occupancy.

Resource modules, each with its records: spaces (a site, the occupancy side's building),
rooms, zones, sensors (sensors and hives), occupancy (current and history); `core` is
the transport, token and base URL every resource object is handed. Butlr has no keys,
doors or webhooks (`webhooks.py` says why).
"""

from concierge.connectors.butlr.auth import ButlrAuth, build_token_manager
from concierge.connectors.butlr.client import ButlrClient, build_client
from concierge.connectors.butlr.config import ButlrConfig
from concierge.connectors.butlr.fields import normalise_mac
from concierge.connectors.butlr.occupancy import OccupancyPoint, RoomOccupancy
from concierge.connectors.butlr.rooms import Room
from concierge.connectors.butlr.sensors import Hive, Sensor
from concierge.connectors.butlr.spaces import Space
from concierge.connectors.butlr.zones import Zone

__all__ = [
    "ButlrAuth",
    "ButlrClient",
    "ButlrConfig",
    "Hive",
    "OccupancyPoint",
    "Room",
    "RoomOccupancy",
    "Sensor",
    "Space",
    "Zone",
    "build_client",
    "build_token_manager",
    "normalise_mac",
]
