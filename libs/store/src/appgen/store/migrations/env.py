"""Alembic's entry point. `appgen.store.migrate` hands it an open connection; nothing else runs it."""

from __future__ import annotations

from alembic import context
from sqlalchemy.engine import Connection


def run(connection: Connection) -> None:
    context.configure(connection=connection, transaction_per_migration=True)
    with context.begin_transaction():
        context.run_migrations()


connection = context.config.attributes.get("connection")
if connection is None:
    raise RuntimeError("run migrations through appgen.store.migrate.upgrade_to_head(url)")
run(connection)
