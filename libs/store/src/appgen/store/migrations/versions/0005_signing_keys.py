"""Signing keys with ids (several active at once, retired after a grace period) and a generation
number per project's preview link (a new link revokes the older ones).

The one secret of `gateway_secrets` becomes the key `legacy`: tokens and links made before keys
had ids carry none, and verify with it until it is retired.

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-01
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0005"
down_revision: str | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_TS = sa.TIMESTAMP(timezone=True)


def upgrade() -> None:
    op.create_table(
        "signing_keys",
        sa.Column("kid", sa.Text, primary_key=True),
        sa.Column("secret", sa.LargeBinary, nullable=False),
        sa.Column("created_at", _TS, nullable=False, server_default=sa.text("now()")),
        # From then on nothing it signed is accepted; NULL while it is current.
        sa.Column("retire_at", _TS, nullable=True),
    )
    op.execute(
        "INSERT INTO signing_keys (kid, secret, created_at) "
        "SELECT 'legacy', secret, created_at FROM gateway_secrets WHERE name = 'signing'"
    )
    op.execute("DELETE FROM gateway_secrets WHERE name = 'signing'")
    op.create_table(
        "preview_links",
        sa.Column("project_id", sa.Text, primary_key=True),
        sa.Column("generation", sa.Integer, nullable=False),
        sa.Column("updated_at", _TS, nullable=False, server_default=sa.text("now()")),
    )


def downgrade() -> None:
    op.drop_table("preview_links")
    op.execute(
        "INSERT INTO gateway_secrets (name, secret, created_at) "
        "SELECT 'signing', secret, created_at FROM signing_keys WHERE kid = 'legacy' "
        "ON CONFLICT (name) DO NOTHING"
    )
    op.drop_table("signing_keys")
