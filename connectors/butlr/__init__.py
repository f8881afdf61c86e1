"""The Butlr connector: spaces, rooms, zones, sensors, hives and occupancy.

Resource modules, each with its records: spaces (a site, the occupancy side's building),
rooms, zones, sensors (sensors and hives), occupancy (current and history); `core` is
the transport, token and base URL every resource object is handed. Butlr has no keys,
doors or webhooks (`webhooks.py` says why).
"""

from connectors.butlr.auth import ButlrAuth, build_token_manager
from connectors.butlr.client import ButlrClient, build_client
from connectors.butlr.config import ButlrConfig
from connectors.butlr.fields import normalise_mac
from connectors.butlr.occupancy import OccupancyPoint, RoomOccupancy
from connectors.butlr.rooms import Room
from connectors.butlr.sensors import Hive, Sensor
from connectors.butlr.spaces import Space
from connectors.butlr.zones import Zone

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
