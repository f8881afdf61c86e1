"""The store's tables (SQLAlchemy Core); the migrations create exactly these."""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import JSONB

from concierge.resolvers.store.clock import UtcDateTime

# Constraint names are fixed so migrations can name what they alter, on every database.
metadata = sa.MetaData(
    naming_convention={
        "ix": "ix_%(column_0_label)s",
        "uq": "uq_%(table_name)s_%(column_0_name)s",
        "ck": "ck_%(table_name)s_%(constraint_name)s",
        "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
        "pk": "pk_%(table_name)s",
    }
)

Json = sa.JSON().with_variant(JSONB(), "postgresql")

vendor_tokens = sa.Table(
    "vendor_tokens",
    metadata,
    sa.Column("account", sa.String(200), primary_key=True),
    sa.Column("ciphertext", sa.Text, nullable=False),  # Fernet: the whole TokenSet, as JSON
    sa.Column("updated_at", UtcDateTime, nullable=False),
)

idempotency_records = sa.Table(
    "idempotency_records",
    metadata,
    sa.Column("scope", sa.String(200), primary_key=True),
    sa.Column("key", sa.String(255), primary_key=True),  # (scope, key) is the claim's uniqueness
    sa.Column("operation", sa.String(100), nullable=False),
    sa.Column("fingerprint", sa.String(128), nullable=False),
    sa.Column("status", sa.String(20), nullable=False),
    sa.Column("result", Json, nullable=True),
    sa.Column("created_at", UtcDateTime, nullable=False),
    sa.Column("expires_at", UtcDateTime, nullable=False, index=True),
    sa.Column("completed_at", UtcDateTime, nullable=True),
)

unlock_attempts = sa.Table(
    "unlock_attempts",
    metadata,
    sa.Column("id", sa.String(36), primary_key=True),
    sa.Column("door_key", sa.String(200), nullable=False),
    sa.Column("action", sa.String(10), nullable=False),
    sa.Column("tenant_id", sa.String(200), nullable=True),
    sa.Column("principal", sa.String(200), nullable=False),
    sa.Column("vendor", sa.String(50), nullable=False),
    sa.Column("status", sa.String(20), nullable=False, index=True),
    sa.Column("vendor_reference", sa.String(200), nullable=True),
    sa.Column("error_code", sa.String(100), nullable=True),
    sa.Column("error_message", sa.Text, nullable=True),
    sa.Column("created_at", UtcDateTime, nullable=False),
    sa.Column("accepted_at", UtcDateTime, nullable=True),
    sa.Column("confirmed_at", UtcDateTime, nullable=True),
    sa.Column("finished_at", UtcDateTime, nullable=True),
    sa.Column("building_id", sa.String(200), nullable=True),  # the door's (ButterflyMX id)
)

visitor_keys = sa.Table(
    "visitor_keys",
    metadata,
    sa.Column("id", sa.String(36), primary_key=True),
    sa.Column("unit_id", sa.String(200), nullable=False, index=True),
    sa.Column("tenant_id", sa.String(200), nullable=True),
    sa.Column("name", sa.String(200), nullable=False),
    sa.Column("schedule", Json, nullable=False),
    sa.Column("pin", sa.String(20), nullable=True),
    sa.Column("status", sa.String(20), nullable=False),
    sa.Column("created_at", UtcDateTime, nullable=False),
    sa.Column("revoked_at", UtcDateTime, nullable=True),
)

visitor_key_credentials = sa.Table(
    "visitor_key_credentials",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column(
        "key_id",
        sa.String(36),
        sa.ForeignKey("visitor_keys.id", ondelete="CASCADE"),
        nullable=False,
        index=True,
    ),
    sa.Column("vendor", sa.String(50), nullable=False),
    sa.Column("kind", sa.String(50), nullable=False),
    sa.Column("vendor_id", sa.String(200), nullable=False),
    sa.Column("detail", Json, nullable=False),
    sa.Column("created_at", UtcDateTime, nullable=False),
)

webhook_events = sa.Table(
    "webhook_events",
    metadata,
    sa.Column("vendor", sa.String(50), primary_key=True),
    sa.Column("event_id", sa.String(255), primary_key=True),  # seen once: the key is the guard
    sa.Column("seen_at", UtcDateTime, nullable=False),
)

audit_log = sa.Table(
    "audit_log",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("at", UtcDateTime, nullable=False, index=True),
    sa.Column("actor", sa.String(200), nullable=False),
    sa.Column("action", sa.String(100), nullable=False),
    sa.Column("target", sa.String(255), nullable=False, index=True),
    sa.Column("outcome", sa.String(100), nullable=False),
    sa.Column("vendor_reference", sa.String(200), nullable=True),
    sa.Column("detail", Json, nullable=True),
)

# Auth (issue 11): API keys, stored as a SHA-256 of the secret part; looked up by prefix.
api_keys = sa.Table(
    "api_keys",
    metadata,
    sa.Column("id", sa.String(36), primary_key=True),
    sa.Column("prefix", sa.String(32), nullable=False, unique=True),
    sa.Column("secret_hash", sa.String(64), nullable=False),
    sa.Column("name", sa.String(200), nullable=False),
    sa.Column("role", sa.String(20), nullable=False),
    sa.Column("scope", Json, nullable=False),  # {"buildings": [...], "capabilities": [...], ...}
    sa.Column("created_at", UtcDateTime, nullable=False),
    sa.Column("revoked_at", UtcDateTime, nullable=True),
)

# Auth (issue 11): account-linking `state`s, single-use, bound to the principal that asked.
link_states = sa.Table(
    "link_states",
    metadata,
    sa.Column("state_hash", sa.String(64), primary_key=True),
    sa.Column("principal", sa.String(200), nullable=False),
    sa.Column("vendor", sa.String(50), nullable=False),
    sa.Column("expires_at", UtcDateTime, nullable=False),
    sa.Column("used_at", UtcDateTime, nullable=True),
)

ingress_cursors = sa.Table(
    "ingress_cursors",
    metadata,
    sa.Column("vendor", sa.String(50), primary_key=True),
    sa.Column("event_id", sa.String(255), nullable=True),  # the newest event seen, if any
    sa.Column("created_at", UtcDateTime, nullable=False),  # its vendor storage time
    sa.Column("updated_at", UtcDateTime, nullable=False),
)
