"""API keys, project owners, and the shared counters behind the gateway's limits.

Revision ID: 0002
Revises: 0001
Create Date: 2026-01-02
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects.postgresql import UUID

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_TS = sa.TIMESTAMP(timezone=True)


def upgrade() -> None:
    # Only a hash of each key is kept: the key itself is shown once, when it is created.
    op.create_table(
        "api_keys",
        sa.Column("key_id", sa.Text, primary_key=True),
        sa.Column("name", sa.Text, nullable=False),
        sa.Column("key_hash", sa.Text, nullable=False),
        sa.Column("created_at", _TS, nullable=False, server_default=sa.text("now()")),
        sa.Column("last_used_at", _TS, nullable=True),
        sa.Column("revoked_at", _TS, nullable=True),
    )
    # Secrets every gateway process shares (the token and preview-link signing key), made once.
    op.create_table(
        "gateway_secrets",
        sa.Column("name", sa.Text, primary_key=True),
        sa.Column("secret", sa.LargeBinary, nullable=False),
        sa.Column("created_at", _TS, nullable=False, server_default=sa.text("now()")),
    )
    op.add_column("projects", sa.Column("owner", sa.Text, nullable=True))
    op.create_index("projects_owner_created_at", "projects", ["owner", "created_at"])
    # Each generation a key started: the per-hour and concurrent limits count these rows.
    op.create_table(
        "generation_starts",
        sa.Column("project_id", sa.Text, primary_key=True),
        sa.Column("key_id", sa.Text, nullable=False),
        sa.Column("started_at", _TS, nullable=False, server_default=sa.text("now()")),
    )
    op.create_index("generation_starts_key", "generation_starts", ["key_id", "started_at"])
    # Open WebSockets of every gateway process; a process refreshes `seen_at` of its own rows,
    # so the rows of a process that died stop counting once they go stale.
    op.create_table(
        "ws_connections",
        sa.Column("connection_id", UUID(as_uuid=True), primary_key=True),
        sa.Column("key_id", sa.Text, nullable=False),
        sa.Column("gateway_id", sa.Text, nullable=False),
        sa.Column("seen_at", _TS, nullable=False, server_default=sa.text("now()")),
    )
    op.create_index("ws_connections_key", "ws_connections", ["key_id", "seen_at"])
    op.create_index("ws_connections_gateway", "ws_connections", ["gateway_id"])


def downgrade() -> None:
    op.drop_table("ws_connections")
    op.drop_table("generation_starts")
    op.drop_index("projects_owner_created_at", table_name="projects")
    op.drop_column("projects", "owner")
    op.drop_table("gateway_secrets")
    op.drop_table("api_keys")
