"""Webhook ingress: the newest event seen per vendor, where back-fill starts after downtime.

Revision ID: 0003
Revises: 0002
Create Date: 2026-12-02
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision: str | None = "0002"
branch_labels: str | None = None
depends_on: str | None = None


def upgrade() -> None:
    op.create_table(
        "ingress_cursors",
        sa.Column("vendor", sa.String(50), nullable=False),
        sa.Column("event_id", sa.String(255), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("vendor", name="pk_ingress_cursors"),
    )


def downgrade() -> None:
    op.drop_table("ingress_cursors")
