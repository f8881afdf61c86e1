"""The RemoteLock (LockState) API v1 connector: locks, access persons, events, webhooks.

Resource modules, each with its records: doors (devices: locks; lock/unlock), people
(access persons: users, guests with PINs), accesses, access schedules, events,
notifications (webhook subscribers and subscriptions), account; `core` is the transport,
token and base URL every resource object is handed. Locations are not used, so not here.
"""

from concierge.connectors.remotelock.accesses import Access
from concierge.connectors.remotelock.account import Account
from concierge.connectors.remotelock.auth import RemoteLockAuth, build_token_manager
from concierge.connectors.remotelock.client import AccountLimiters, RemoteLockClient, build_client
from concierge.connectors.remotelock.config import RemoteLockConfig
from concierge.connectors.remotelock.core import UNSET
from concierge.connectors.remotelock.doors import Device
from concierge.connectors.remotelock.events import (
    AccessDeniedEvent,
    AccessPersonSyncedEvent,
    AccessPersonSyncFailedEvent,
    AccessPersonUsedEvent,
    ConnectivityEvent,
    CredentialEvent,
    Event,
    LockedEvent,
    PowerLevelLowEvent,
    UnlockedEvent,
    parse_event,
)
from concierge.connectors.remotelock.notifications import (
    NotificationSubscriber,
    NotificationSubscription,
)
from concierge.connectors.remotelock.people import ALL_STATUSES, AccessPerson
from concierge.connectors.remotelock.webhooks import (
    WebhookPayloadError,
    WebhookVerificationError,
    parse_webhook,
)

__all__ = [
    "ALL_STATUSES",
    "UNSET",
    "Access",
    "AccessDeniedEvent",
    "AccessPerson",
    "AccessPersonSyncFailedEvent",
    "AccessPersonSyncedEvent",
    "AccessPersonUsedEvent",
    "Account",
    "AccountLimiters",
    "ConnectivityEvent",
    "CredentialEvent",
    "Device",
    "Event",
    "LockedEvent",
    "NotificationSubscriber",
    "NotificationSubscription",
    "PowerLevelLowEvent",
    "RemoteLockAuth",
    "RemoteLockClient",
    "RemoteLockConfig",
    "UnlockedEvent",
    "WebhookPayloadError",
    "WebhookVerificationError",
    "build_client",
    "build_token_manager",
    "parse_event",
    "parse_webhook",
]
