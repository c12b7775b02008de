"""The store's connection pool never hands a caller a connection the server closed
(`appgen.store.pool`)."""

from __future__ import annotations

import asyncio

import asyncpg
import pytest

from appgen.events import ProjectRequested
from appgen.store import EventStore
from appgen.store.keys import KeyStore

pytestmark = pytest.mark.integration


async def terminate_others(database_url: str) -> int:
    """End every other session on the database, as a server restart would: how many."""
    conn = await asyncpg.connect(database_url)
    try:
        ended = await conn.fetch(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
            "WHERE datname = current_database() AND pid <> pg_backend_pid()"
        )
    finally:
        await conn.close()
    return len(ended)


async def test_a_pooled_connection_the_server_closed_is_replaced_before_anyone_uses_it(
    database_url: str,
) -> None:
    store = await EventStore.open(database_url, pool_size=1)
    keys = KeyStore(store.engine)
    try:
        made = await keys.create("pool")
        event = ProjectRequested(project_id="a" * 32, prompt="A todo app")
        assert await store.append([(1, event)]) == 1
        for _ in range(3):
            assert await terminate_others(database_url) == 1
            # The loop runs between two uses, and asyncpg sees the server's close meanwhile.
            await asyncio.sleep(0.1)
            # The pool's one connection is dead: each use, read or write, gets a new one
            # without an error (a pool that handed the dead one out would raise here).
            assert [e.event.event_id for e in await store.history(event.project_id)] == [
                event.event_id
            ]
            assert await terminate_others(database_url) == 1
            await asyncio.sleep(0.1)
            assert await keys.verify(made.key) is not None
    finally:
        await store.close()
