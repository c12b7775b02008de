"""The connection pool every PostgreSQL reader and writer shares, and how it spots dead links.

SQLAlchemy's `pool_pre_ping` proves a pooled connection alive before each use with three round
trips on asyncpg (BEGIN, an empty query, ROLLBACK), which on a busy machine cost more than the
query itself: with the read's own BEGIN and ROLLBACK, one read was six round trips, each waiting
for the server process to be scheduled, and a WebSocket's handshake makes several. Now a read is
one (`one_statement_each`), and the pool asks asyncpg, with no round trip, whether the server closed the
connection (a restart, a terminated backend): asyncpg has seen the close by then, as the event
loop runs between two uses. A connection lost without a word (a cable pulled) fails the one
statement that finds it; SQLAlchemy then recycles every connection made before it, and the
caller sees an outage (the gateway answers 503 "try again", the recorder retries).
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import event, exc
from sqlalchemy.ext.asyncio import AsyncEngine, create_async_engine
from sqlalchemy.pool import ConnectionPoolEntry, PoolProxiedConnection

from appgen.store.urls import sqlalchemy_url


def open_engine(url: str, *, pool_size: int) -> AsyncEngine:
    """A pool of at most `pool_size` connections to `url`; connects lazily."""
    engine = create_async_engine(sqlalchemy_url(url), pool_size=pool_size, max_overflow=0)
    event.listen(engine.sync_engine, "checkout", _refuse_closed)
    return engine


def one_statement_each(engine: AsyncEngine) -> AsyncEngine:
    """`engine`'s pool with each statement its own transaction (autocommit): for reads, which
    at READ COMMITTED gain nothing from a BEGIN and ROLLBACK of their own (each statement sees
    its own snapshot either way), and for a write that is one statement. Writes of several
    statements use `engine.begin()`."""
    return engine.execution_options(isolation_level="AUTOCOMMIT")


def _refuse_closed(
    dbapi_connection: Any, record: ConnectionPoolEntry, proxy: PoolProxiedConnection
) -> None:
    # Raising DisconnectionError here makes the pool drop this connection and hand out another
    # (a new one if need be): the caller never sees it.
    if dbapi_connection._connection.is_closed():
        raise exc.DisconnectionError("the server closed this pooled connection")
