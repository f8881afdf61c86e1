"""ButterflyMX: video intercom and building access (v3 JSON:API, v4 plain JSON, OAuth).

Resource modules, each with its records: buildings, units, people (v4 tenants, PINs),
me (`/v3/me`), doors (access points, devices, remote release), calls, events (door
releases), keys (keychains, virtual keys), integrations (webhook registrations);
`core` is the transport, token and base URL every resource object is handed.
"""

from connectors.butterflymx.auth import ButterflyMXAuth
from connectors.butterflymx.buildings import Building, Panel, Picture
from connectors.butterflymx.calls import Call, CallStatus
from connectors.butterflymx.client import ButterflyMXClient, build_client
from connectors.butterflymx.config import ButterflyMXConfig
from connectors.butterflymx.doors import AccessPoint, DoorReleaseRequest, V4Device
from connectors.butterflymx.events import DoorRelease
from connectors.butterflymx.integrations import Integration
from connectors.butterflymx.keys import Keychain, VirtualKey
from connectors.butterflymx.me import Me, MeTenant
from connectors.butterflymx.people import Pin, V4Tenant, V4Unit
from connectors.butterflymx.units import Unit, User
from connectors.butterflymx.webhooks import (
    CallStatusChanged,
    DoorReleaseCreated,
    OtherWebhookEvent,
    WebhookEvent,
    WebhookVerificationError,
    parse_webhook,
)

__all__ = [
    "AccessPoint",
    "Building",
    "ButterflyMXAuth",
    "ButterflyMXClient",
    "ButterflyMXConfig",
    "Call",
    "CallStatus",
    "CallStatusChanged",
    "DoorRelease",
    "DoorReleaseCreated",
    "DoorReleaseRequest",
    "Integration",
    "Keychain",
    "Me",
    "MeTenant",
    "OtherWebhookEvent",
    "Panel",
    "Picture",
    "Pin",
    "Unit",
    "User",
    "V4Device",
    "V4Tenant",
    "V4Unit",
    "VirtualKey",
    "WebhookEvent",
    "WebhookVerificationError",
    "build_client",
    "parse_webhook",
]
