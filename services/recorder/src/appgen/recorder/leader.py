"""One writer at a time: a PostgreSQL advisory lock held by a connection kept open for it.

A second recorder waits here as a hot standby. The lock goes with its session, so a leader that
dies (even by SIGKILL) frees it as soon as PostgreSQL sees the connection close, and the standby
takes over. The lock only keeps a second recorder idle; correctness does not rest on it: every
batch moves the tracking row by compare-and-set (`EventStore.append_tracked`), so a writer that
believes it leads but does not cannot store a thing.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

log = logging.getLogger(__name__)

# Any fixed 64-bit number ("appgen_r"); every recorder of one database takes the same lock.
RECORDER_LOCK = 0x61707067656E5F72
_TRY = text("SELECT pg_try_advisory_lock(:key)")
_UNLOCK = text("SELECT pg_advisory_unlock(:key)")
_ALIVE = text("SELECT 1")


class NotLeading(Exception):
    """This process stopped waiting for the lead (it is stopping), or lost it."""


@asynccontextmanager
async def leadership(
    engine: AsyncEngine,
    stop: asyncio.Event,
    *,
    key: int = RECORDER_LOCK,
    retry_s: float = 0.5,
    check_s: float = 1.0,
) -> AsyncIterator[asyncio.Event]:
    """Wait until this process holds the lock, then yield an event set if it is ever lost.

    Raises `NotLeading` if `stop` is set while it waits. Errors connecting (the database is
    away) propagate: the caller decides how long to wait.
    """
    async with engine.connect() as conn:
        while not await conn.scalar(_TRY, {"key": key}):
            await conn.rollback()
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(stop.wait(), retry_s)
            if stop.is_set():
                raise NotLeading("stopped while waiting for the lead")
        await conn.commit()
        log.info("this recorder leads (advisory lock %#x)", key)
        lost = asyncio.Event()
        watcher = asyncio.create_task(_watch(conn, lost, check_s), name="recorder-leadership")
        try:
            yield lost
        finally:
            watcher.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await watcher
            if not lost.is_set():
                with contextlib.suppress(Exception):
                    await conn.execute(_UNLOCK, {"key": key})
                    await conn.commit()


async def _watch(conn: AsyncConnection, lost: asyncio.Event, every_s: float) -> None:
    """The lock lives as long as its session: a session that stops answering has lost it."""
    while True:
        await asyncio.sleep(every_s)
        try:
            async with asyncio.timeout(max(every_s * 3, 2.0)):
                await conn.execute(_ALIVE)
                await conn.commit()
        except Exception as error:
            log.warning("lost the recorder lock's connection: %r", error)
            lost.set()
            return
