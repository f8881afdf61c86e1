"""The Butlr connector: spaces, rooms, zones, sensors, hives, occupancy and detections."""

from connectors.butlr.api import UNSET
from connectors.butlr.auth import ButlrAuth, build_token_manager
from connectors.butlr.client import ButlrClient, build_client
from connectors.butlr.config import ButlrConfig
from connectors.butlr.fields import normalise_mac
from connectors.butlr.models import Hive, Room, RoomType, Sensor, Space, SpaceRef, Zone
from connectors.butlr.occupancy_models import (
    Detection,
    OccupancyPoint,
    OccupancySummary,
    RoomOccupancy,
)

__all__ = [
    "UNSET",
    "ButlrAuth",
    "ButlrClient",
    "ButlrConfig",
    "Detection",
    "Hive",
    "OccupancyPoint",
    "OccupancySummary",
    "Room",
    "RoomOccupancy",
    "RoomType",
    "Sensor",
    "Space",
    "SpaceRef",
    "Zone",
    "build_client",
    "build_token_manager",
    "normalise_mac",
]
