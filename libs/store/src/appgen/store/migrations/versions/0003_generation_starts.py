"""Generation starts keyed by the start, not the project: a resume or a fork counts too.

A project can start more than once (its request, then each resume), and every start spends
model calls, so each is a row of its own under a `start_id`. The id is derived by the caller
(from the project id for a request, from the event id for a resume) so a retried start is
still counted once.

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-24
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects.postgresql import UUID

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.add_column("generation_starts", sa.Column("start_id", UUID(as_uuid=True), nullable=True))
    # Rows from before this revision were requests: any id unique per project will do.
    op.execute("UPDATE generation_starts SET start_id = md5(project_id)::uuid")
    op.alter_column("generation_starts", "start_id", nullable=False)
    op.drop_constraint("generation_starts_pkey", "generation_starts", type_="primary")
    op.create_primary_key("generation_starts_pkey", "generation_starts", ["start_id"])
    op.create_index("generation_starts_project", "generation_starts", ["project_id"])


def downgrade() -> None:
    op.drop_index("generation_starts_project", table_name="generation_starts")
    op.drop_constraint("generation_starts_pkey", "generation_starts", type_="primary")
    # Only a project's first start fits the old shape.
    op.execute(
        "DELETE FROM generation_starts g USING generation_starts h "
        "WHERE g.project_id = h.project_id AND g.started_at > h.started_at"
    )
    op.drop_column("generation_starts", "start_id")
    op.create_primary_key("generation_starts_pkey", "generation_starts", ["project_id"])
