"""A project's summary says whether its preview is ready, not where: the gateway makes the link
from the project's id (the events no longer carry a path for it to throw away).

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-27
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0006"
down_revision: str | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.add_column(
        "projects",
        sa.Column("preview_ready", sa.Boolean, nullable=False, server_default=sa.false()),
    )
    op.execute("UPDATE projects SET preview_ready = preview_path IS NOT NULL")
    op.drop_column("projects", "preview_path")


def downgrade() -> None:
    op.add_column("projects", sa.Column("preview_path", sa.Text, nullable=True))
    op.execute(
        "UPDATE projects SET preview_path = '/preview/' || project_id || '/' WHERE preview_ready"
    )
    op.drop_column("projects", "preview_ready")
