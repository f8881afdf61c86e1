"""The store's first tables: tokens, idempotency, unlock attempts, visitor keys, webhook
events seen, audit log.

Revision ID: 0001
Revises:
Create Date: 2025-01-01
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects.postgresql import JSONB

revision = "0001"
down_revision: str | None = None
branch_labels: str | None = None
depends_on: str | None = None

# Spelled out, not taken from tables.py: a migration is frozen once released.
Json = sa.JSON().with_variant(JSONB(), "postgresql")


def _at(name: str, *, nullable: bool = False) -> sa.Column[object]:
    return sa.Column(name, sa.DateTime(timezone=True), nullable=nullable)


def upgrade() -> None:
    op.create_table(
        "vendor_tokens",
        sa.Column("account", sa.String(200), nullable=False),
        sa.Column("ciphertext", sa.Text, nullable=False),
        _at("updated_at"),
        sa.PrimaryKeyConstraint("account", name="pk_vendor_tokens"),
    )
    op.create_table(
        "idempotency_records",
        sa.Column("scope", sa.String(200), nullable=False),
        sa.Column("key", sa.String(255), nullable=False),
        sa.Column("operation", sa.String(100), nullable=False),
        sa.Column("fingerprint", sa.String(128), nullable=False),
        sa.Column("status", sa.String(20), nullable=False),
        sa.Column("result", Json, nullable=True),
        _at("created_at"),
        _at("expires_at"),
        _at("completed_at", nullable=True),
        sa.PrimaryKeyConstraint("scope", "key", name="pk_idempotency_records"),
    )
    op.create_index("ix_idempotency_records_expires_at", "idempotency_records", ["expires_at"])
    op.create_table(
        "unlock_attempts",
        sa.Column("id", sa.String(36), nullable=False),
        sa.Column("door_key", sa.String(200), nullable=False),
        sa.Column("action", sa.String(10), nullable=False),
        sa.Column("tenant_id", sa.String(200), nullable=True),
        sa.Column("principal", sa.String(200), nullable=False),
        sa.Column("vendor", sa.String(50), nullable=False),
        sa.Column("status", sa.String(20), nullable=False),
        sa.Column("vendor_reference", sa.String(200), nullable=True),
        sa.Column("error_code", sa.String(100), nullable=True),
        sa.Column("error_message", sa.Text, nullable=True),
        _at("created_at"),
        _at("accepted_at", nullable=True),
        _at("confirmed_at", nullable=True),
        _at("finished_at", nullable=True),
        sa.PrimaryKeyConstraint("id", name="pk_unlock_attempts"),
    )
    op.create_index("ix_unlock_attempts_status", "unlock_attempts", ["status"])
    op.create_table(
        "visitor_keys",
        sa.Column("id", sa.String(36), nullable=False),
        sa.Column("unit_id", sa.String(200), nullable=False),
        sa.Column("tenant_id", sa.String(200), nullable=True),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("schedule", Json, nullable=False),
        sa.Column("pin", sa.String(20), nullable=True),
        sa.Column("status", sa.String(20), nullable=False),
        _at("created_at"),
        _at("revoked_at", nullable=True),
        sa.PrimaryKeyConstraint("id", name="pk_visitor_keys"),
    )
    op.create_index("ix_visitor_keys_unit_id", "visitor_keys", ["unit_id"])
    op.create_table(
        "visitor_key_credentials",
        sa.Column("id", sa.Integer, autoincrement=True, nullable=False),
        sa.Column("key_id", sa.String(36), nullable=False),
        sa.Column("vendor", sa.String(50), nullable=False),
        sa.Column("kind", sa.String(50), nullable=False),
        sa.Column("vendor_id", sa.String(200), nullable=False),
        sa.Column("detail", Json, nullable=False),
        _at("created_at"),
        sa.PrimaryKeyConstraint("id", name="pk_visitor_key_credentials"),
        sa.ForeignKeyConstraint(
            ["key_id"],
            ["visitor_keys.id"],
            name="fk_visitor_key_credentials_key_id_visitor_keys",
            ondelete="CASCADE",
        ),
    )
    op.create_index("ix_visitor_key_credentials_key_id", "visitor_key_credentials", ["key_id"])
    op.create_table(
        "webhook_events",
        sa.Column("vendor", sa.String(50), nullable=False),
        sa.Column("event_id", sa.String(255), nullable=False),
        _at("seen_at"),
        sa.PrimaryKeyConstraint("vendor", "event_id", name="pk_webhook_events"),
    )
    op.create_table(
        "audit_log",
        sa.Column("id", sa.Integer, autoincrement=True, nullable=False),
        _at("at"),
        sa.Column("actor", sa.String(200), nullable=False),
        sa.Column("action", sa.String(100), nullable=False),
        sa.Column("target", sa.String(255), nullable=False),
        sa.Column("outcome", sa.String(100), nullable=False),
        sa.Column("vendor_reference", sa.String(200), nullable=True),
        sa.Column("detail", Json, nullable=True),
        sa.PrimaryKeyConstraint("id", name="pk_audit_log"),
    )
    op.create_index("ix_audit_log_at", "audit_log", ["at"])
    op.create_index("ix_audit_log_target", "audit_log", ["target"])


def downgrade() -> None:
    for table in (
        "audit_log",
        "webhook_events",
        "visitor_key_credentials",
        "visitor_keys",
        "unlock_attempts",
        "idempotency_records",
        "vendor_tokens",
    ):
        op.drop_table(table)
