"""What goes into the store and comes out of it: frozen dataclasses, never SQLAlchemy rows."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Literal

IdempotencyStatus = Literal["in_progress", "completed"]
AttemptAction = Literal["unlock", "lock"]
AttemptStatus = Literal["PENDING", "ACCEPTED", "CONFIRMED", "FAILED", "TIMED_OUT", "UNKNOWN"]
KeyStatus = Literal["CREATING", "ACTIVE", "REVOKED", "FAILED"]

# UNKNOWN is not final: the confirmation step resolves it (a vendor timeout is never retried).
TERMINAL_ATTEMPT_STATUSES: frozenset[AttemptStatus] = frozenset(
    {"CONFIRMED", "FAILED", "TIMED_OUT"}
)


@dataclass(frozen=True)
class IdempotencyRecord:
    scope: str
    key: str
    operation: str
    fingerprint: str  # a digest of the request's input: same key, other input is a conflict
    status: IdempotencyStatus
    result: dict[str, Any] | None
    created_at: datetime
    expires_at: datetime
    completed_at: datetime | None = None


@dataclass(frozen=True)
class Claim:
    """The outcome of claiming a key: `owner` does the work, everyone else reads `record`."""

    owner: bool
    record: IdempotencyRecord

    def matches(self, fingerprint: str) -> bool:
        """False when the key was first used for other input (the caller raises a conflict)."""
        return self.record.fingerprint == fingerprint


@dataclass(frozen=True)
class UnlockAttempt:
    id: str
    door_key: str
    action: AttemptAction
    tenant_id: str | None
    principal: str
    vendor: str
    status: AttemptStatus
    created_at: datetime
    vendor_reference: str | None = None
    error_code: str | None = None
    error_message: str | None = None
    accepted_at: datetime | None = None
    confirmed_at: datetime | None = None
    finished_at: datetime | None = None
    building_id: str | None = None  # the door's building: its operators may see the attempt

    @property
    def terminal(self) -> bool:
        return self.status in TERMINAL_ATTEMPT_STATUSES


@dataclass(frozen=True)
class Credential:
    """One vendor object a visitor key created (a keychain, a virtual key, an access guest...)."""

    key_id: str
    vendor: str
    kind: str  # keychain | virtual_key | access_guest | access
    vendor_id: str
    detail: dict[str, Any]
    created_at: datetime


@dataclass(frozen=True)
class VisitorKey:
    id: str
    unit_id: str
    tenant_id: str | None
    name: str
    schedule: dict[str, Any]
    pin: str | None
    status: KeyStatus
    created_at: datetime
    revoked_at: datetime | None = None
    credentials: tuple[Credential, ...] = field(default_factory=tuple)


@dataclass(frozen=True)
class AuditEntry:
    id: int
    at: datetime
    actor: str
    action: str
    target: str
    outcome: str
    vendor_reference: str | None
    detail: dict[str, Any] | None
