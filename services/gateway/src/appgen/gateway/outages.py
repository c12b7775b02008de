"""Telling an outage of PostgreSQL or NATS from a bug, so a client hears "try again shortly".

Every authenticated request looks its key up in PostgreSQL, so while the database is down every
request fails; that is a 503 with `Retry-After`, not a 500 with a traceback. Nothing is lost:
requests are idempotent and clients retry.
"""

from __future__ import annotations

import asyncpg
import nats.errors
import nats.js.errors
from sqlalchemy import exc as sql

# How long a client should wait before it retries, in seconds.
RETRY_AFTER_S = 2

_DATABASE_ERRORS: tuple[type[Exception], ...] = (
    sql.OperationalError,
    sql.InterfaceError,
    asyncpg.PostgresConnectionError,
    asyncpg.CannotConnectNowError,
    asyncpg.InterfaceError,
)
_NATS_ERRORS: tuple[type[Exception], ...] = (
    nats.errors.ConnectionClosedError,
    nats.errors.ConnectionReconnectingError,
    nats.errors.NoRespondersError,
    nats.errors.TimeoutError,
    # JetStream without a leader (a cluster electing one) or not serving yet.
    nats.js.errors.NoStreamResponseError,
    nats.js.errors.ServiceUnavailableError,
)
# PostgreSQL's own words for "not now": connection exceptions (08), operator intervention such
# as a shutdown (57), a database not accepting connections (55000), too many connections (53300).
_UNAVAILABLE_CLASSES = ("08", "57")
_UNAVAILABLE_STATES = frozenset({"55000", "53300"})
# Refused connections, and a stopped PostgreSQL's Unix socket file that is gone.
_SOCKET_ERRORS: tuple[type[Exception], ...] = (ConnectionError,)
# What the app registers `outage_response` for: handled where they are raised, so an outage is
# one answer and one log line, not a traceback per request.
OUTAGE_ERRORS: tuple[type[Exception], ...] = (
    sql.DBAPIError,
    *_DATABASE_ERRORS,
    *_NATS_ERRORS,
    *_SOCKET_ERRORS,
    FileNotFoundError,
)


def outage(error: BaseException) -> str | None:
    """What is unreachable when `error` (or what caused it) says a dependency is down, else
    None."""
    seen: set[int] = set()
    current: BaseException | None = error
    while current is not None and id(current) not in seen:
        seen.add(id(current))
        if isinstance(current, sql.DBAPIError) and current.connection_invalidated:
            return "PostgreSQL"
        if isinstance(current, _DATABASE_ERRORS):
            return "PostgreSQL"
        state = getattr(current, "sqlstate", None)
        if isinstance(state, str) and (
            state[:2] in _UNAVAILABLE_CLASSES or state in _UNAVAILABLE_STATES
        ):
            return "PostgreSQL"
        if isinstance(current, _NATS_ERRORS):
            return "NATS"
        if isinstance(current, _SOCKET_ERRORS):
            return "a server the gateway needs"
        if isinstance(current, FileNotFoundError) and ".s.PGSQL" in str(current):
            return "PostgreSQL"
        current = current.__cause__ or current.__context__
    return None
