"""ButterflyMX: video intercom and building access (v3 JSON:API, v4 plain JSON, OAuth).

Resource modules, each with its records: buildings, units, people (v4 tenants, PINs),
me (`/v3/me`), doors (access points, devices, remote release), calls, events (door
releases), keys (keychains, virtual keys), integrations (webhook registrations);
`core` is the transport, token and base URL every resource object is handed.
"""

from concierge.connectors.butterflymx.auth import ButterflyMXAuth
from concierge.connectors.butterflymx.buildings import Building, Panel, Picture
from concierge.connectors.butterflymx.calls import Call, CallStatus
from concierge.connectors.butterflymx.client import ButterflyMXClient, build_client
from concierge.connectors.butterflymx.config import ButterflyMXConfig
from concierge.connectors.butterflymx.doors import AccessPoint, DoorReleaseRequest, V4Device
from concierge.connectors.butterflymx.events import DoorRelease
from concierge.connectors.butterflymx.integrations import Integration
from concierge.connectors.butterflymx.keys import Keychain, VirtualKey
from concierge.connectors.butterflymx.me import Me, MeTenant
from concierge.connectors.butterflymx.people import Pin, V4Tenant, V4Unit
from concierge.connectors.butterflymx.units import Unit, User
from concierge.connectors.butterflymx.webhooks import (
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
