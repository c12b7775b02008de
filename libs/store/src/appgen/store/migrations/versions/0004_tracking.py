"""The store's high-water mark (a tracking row per reader of the stream) and unreadable messages.

`tracking.position` is the stream position up to which every message has been handled: stored
in `events`, or recorded in `unreadable_events`. The recorder moves it in the same transaction as
the rows it writes, so below it the store is complete. A database recorded by the untracked
recorder starts at 0: the recorder reads the stream again from the start, and the unique event id
skips what it had already stored.

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-27
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_TS = sa.TIMESTAMP(timezone=True)


def upgrade() -> None:
    op.create_table(
        "tracking",
        sa.Column("name", sa.Text, primary_key=True),
        sa.Column("position", sa.BigInteger, nullable=False),
        sa.Column("updated_at", _TS, nullable=False, server_default=sa.text("now()")),
        sa.CheckConstraint("position >= 0", name="tracking_position_not_negative"),
    )
    op.execute("INSERT INTO tracking (name, position) VALUES ('recorder', 0)")
    # A message in the stream that is not a valid event (a newer type, a broken payload) is kept
    # here, so the mark can pass it without losing it.
    op.create_table(
        "unreadable_events",
        sa.Column("position", sa.BigInteger, primary_key=True, autoincrement=False),
        sa.Column("subject", sa.Text, nullable=False),
        sa.Column("data", sa.LargeBinary, nullable=False),
        sa.Column("error", sa.Text, nullable=False),
        sa.Column("recorded_at", _TS, nullable=False, server_default=sa.text("now()")),
    )


def downgrade() -> None:
    op.drop_table("unreadable_events")
    op.drop_table("tracking")
