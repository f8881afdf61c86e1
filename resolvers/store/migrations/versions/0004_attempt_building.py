"""Unlock attempts remember their door's building, so the building's operators see them.

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-03
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision: str | None = "0003"
branch_labels: str | None = None
depends_on: str | None = None


def upgrade() -> None:
    # Nullable: attempts made before this revision stay visible to their principal only.
    with op.batch_alter_table("unlock_attempts") as batch:
        batch.add_column(sa.Column("building_id", sa.String(200), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("unlock_attempts") as batch:
        batch.drop_column("building_id")
