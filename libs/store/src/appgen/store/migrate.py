"""Schema migrations (Alembic, configured here in code: no alembic.ini anywhere)."""

from __future__ import annotations

import asyncio
from pathlib import Path

from alembic import command
from alembic.config import Config
from sqlalchemy import text
from sqlalchemy.engine import Connection
from sqlalchemy.ext.asyncio import create_async_engine
from sqlalchemy.pool import NullPool

from appgen.store.urls import sqlalchemy_url

MIGRATIONS = Path(__file__).parent / "migrations"
# Any fixed 64-bit number; every process that migrates takes the same session-level lock.
_LOCK_KEY = 0x61707067656E5F31


def alembic_config(connection: Connection | None = None) -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    config.attributes["connection"] = connection
    return config


def upgrade_to_head(url: str) -> None:
    """Bring the database at `url` to the newest schema. Idempotent, and safe to run concurrently.

    Synchronous (it runs its own event loop), so call it before starting one, or in a thread.
    """
    asyncio.run(_upgrade(url))


async def _upgrade(url: str) -> None:
    engine = create_async_engine(sqlalchemy_url(url), poolclass=NullPool)
    try:
        async with engine.connect() as conn:
            # Two processes starting at once would both try to create the tables: serialise them.
            await conn.execute(text("SELECT pg_advisory_lock(:key)"), {"key": _LOCK_KEY})
            await conn.commit()
            try:
                await conn.run_sync(_upgrade_on)
            finally:
                await conn.execute(text("SELECT pg_advisory_unlock(:key)"), {"key": _LOCK_KEY})
                await conn.commit()
    finally:
        await engine.dispose()


def _upgrade_on(connection: Connection) -> None:
    command.upgrade(alembic_config(connection), "head")
