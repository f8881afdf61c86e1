"""The RemoteLock (LockState) API v1 connector: locks, access persons, events, webhooks."""

from connectors.remotelock.api import UNSET
from connectors.remotelock.auth import RemoteLockAuth, build_token_manager
from connectors.remotelock.client import AccountLimiters, RemoteLockClient, build_client
from connectors.remotelock.config import RemoteLockConfig
from connectors.remotelock.events import (
    AccessDeniedEvent,
    AccessPersonSyncedEvent,
    AccessPersonSyncFailedEvent,
    AccessPersonUsedEvent,
    ConnectivityEvent,
    CredentialEvent,
    Event,
    LockedEvent,
    NotificationSubscriber,
    NotificationSubscription,
    PowerLevelLowEvent,
    UnlockedEvent,
    parse_event,
)
from connectors.remotelock.models import Access, AccessPerson, Account, Device, Location, Schedule
from connectors.remotelock.people import ALL_STATUSES
from connectors.remotelock.webhooks import (
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
    "Location",
    "LockedEvent",
    "NotificationSubscriber",
    "NotificationSubscription",
    "PowerLevelLowEvent",
    "RemoteLockAuth",
    "RemoteLockClient",
    "RemoteLockConfig",
    "Schedule",
    "UnlockedEvent",
    "WebhookPayloadError",
    "WebhookVerificationError",
    "build_client",
    "build_token_manager",
    "parse_event",
    "parse_webhook",
]
