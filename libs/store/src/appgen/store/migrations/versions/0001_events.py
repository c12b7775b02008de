"""The events table (the global log, position = JetStream stream sequence) and the projects summary.

Revision ID: 0001
Revises:
Create Date: 2025-01-01
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects.postgresql import JSONB, UUID

revision: str = "0001"
down_revision: str | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "events",
        # The stream sequence: one order every reader agrees on, because one recorder writes.
        sa.Column("position", sa.BigInteger, primary_key=True, autoincrement=False),
        sa.Column("event_id", UUID(as_uuid=True), nullable=False, unique=True),
        sa.Column("project_id", sa.Text, nullable=False),
        sa.Column("type", sa.Text, nullable=False),
        sa.Column("stage", sa.Text, nullable=False),
        sa.Column("progress", sa.SmallInteger, nullable=False),
        sa.Column("occurred_at", sa.TIMESTAMP(timezone=True), nullable=False),
        sa.Column(
            "recorded_at",
            sa.TIMESTAMP(timezone=True),
            nullable=False,
            server_default=sa.text("now()"),
        ),
        sa.Column("service", sa.Text, nullable=False),
        sa.Column("attempt", sa.Integer, nullable=False),
        sa.Column("causation_id", UUID(as_uuid=True), nullable=True),
        sa.Column("correlation_id", UUID(as_uuid=True), nullable=True),
        sa.Column("data", JSONB, nullable=False),
    )
    op.create_index("events_project_position", "events", ["project_id", "position"])
    op.create_index("events_occurred_at", "events", ["occurred_at"])

    op.create_table(
        "projects",
        sa.Column("project_id", sa.Text, primary_key=True),
        sa.Column("prompt", sa.Text, nullable=True),
        sa.Column("name", sa.Text, nullable=True),
        sa.Column("stage", sa.Text, nullable=False),
        sa.Column("progress", sa.SmallInteger, nullable=False),
        sa.Column("status", sa.Text, nullable=False),
        sa.Column("failure_reason", sa.Text, nullable=True),
        sa.Column("preview_path", sa.Text, nullable=True),
        sa.Column("created_at", sa.TIMESTAMP(timezone=True), nullable=False),
        sa.Column("updated_at", sa.TIMESTAMP(timezone=True), nullable=False),
        sa.Column("last_position", sa.BigInteger, nullable=False),
        sa.Column("event_count", sa.Integer, nullable=False),
        sa.CheckConstraint(
            "status IN ('running', 'complete', 'failed')", name="projects_status_known"
        ),
    )
    op.create_index("projects_created_at", "projects", ["created_at", "project_id"])
    op.create_index("projects_status_created_at", "projects", ["status", "created_at"])


def downgrade() -> None:
    op.drop_table("projects")
    op.drop_table("events")
