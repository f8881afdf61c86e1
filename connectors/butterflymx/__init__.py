"""ButterflyMX: video intercom and building access (v3 JSON:API, v4 plain JSON, OAuth)."""

from connectors.butterflymx.activity_models import Call, CallStatus, DoorRelease, Message
from connectors.butterflymx.auth import ButterflyMXAuth
from connectors.butterflymx.client import ButterflyMXClient, build_client
from connectors.butterflymx.config import ButterflyMXConfig
from connectors.butterflymx.key_models import Keychain, VirtualKey
from connectors.butterflymx.models import (
    Building,
    Device,
    Integration,
    Panel,
    Picture,
    Unit,
    User,
)
from connectors.butterflymx.people_models import Me, MeTenant, Pin, Tenant
from connectors.butterflymx.v4_models import (
    AccessPoint,
    DoorReleaseRequest,
    V4Device,
    V4Tenant,
    V4Unit,
)
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
    "Device",
    "DoorRelease",
    "DoorReleaseCreated",
    "DoorReleaseRequest",
    "Integration",
    "Keychain",
    "Me",
    "MeTenant",
    "Message",
    "OtherWebhookEvent",
    "Panel",
    "Picture",
    "Pin",
    "Tenant",
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
