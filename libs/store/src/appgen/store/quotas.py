"""The counters behind the gateway's limits, in PostgreSQL so every gateway process sees them.

Each check-and-count is one statement, a function (migration 0007) that takes a
transaction-scoped advisory lock, counts and inserts inside the server: two processes admitting
at the same instant cannot both take the last place, and the lock is held for the time of one
statement, not across the client's round trips.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Collection
from dataclasses import dataclass

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine

from appgen.store.pool import one_statement_each

# After this long a generation whose ProjectRequested never reached the store (a publish that
# failed after admission) stops counting as running.
UNRECORDED_AFTER_S = 600

_LOCK = text("SELECT pg_advisory_xact_lock(hashtext(:name))")
_START_GENERATION = text(
    "SELECT * FROM appgen_start_generation("
    ":key_id, :project_id, :start_id, :per_hour, :concurrent, :unrecorded_s)"
)
_FORGET = text("DELETE FROM generation_starts WHERE start_id = :start_id")
_OPEN_SOCKET = text(
    "SELECT refused FROM appgen_open_socket("
    ":connection_id, :key_id, :gateway_id, :per_key, :total, :stale_s)"
)
_CLOSE = text("DELETE FROM ws_connections WHERE connection_id = ANY(CAST(:closed AS uuid[]))")
_RELEASE = text("DELETE FROM ws_connections WHERE gateway_id = :gateway_id")
# A process refreshes only the sockets it holds open and deletes its other rows: those of sockets
# whose close could not be written down (the database was away) free their places here.
_REFRESH = text(
    "UPDATE ws_connections SET seen_at = now() "
    "WHERE gateway_id = :gateway_id AND connection_id = ANY(CAST(:open AS uuid[]))"
)
_CLOSED = text(
    "DELETE FROM ws_connections "
    "WHERE gateway_id = :gateway_id AND connection_id <> ALL(CAST(:open AS uuid[]))"
)
_SWEEP = text("DELETE FROM ws_connections WHERE seen_at < now() - make_interval(secs => :stale_s)")


@dataclass(frozen=True)
class Refusal:
    """Which limit said no, in words, and when trying again may succeed."""

    limit: str
    detail: str
    retry_after_s: int


class QuotaStore:
    """Generation starts and open WebSockets, counted across every gateway process."""

    def __init__(self, engine: AsyncEngine) -> None:
        self._engine = engine
        # Each statement its own transaction: one round trip, no BEGIN or COMMIT of ours.
        self._statements = one_statement_each(engine)

    async def start_generation(
        self,
        key_id: str,
        project_id: str,
        *,
        start_id: uuid.UUID,
        per_hour: int,
        concurrent: int,
    ) -> Refusal | None:
        """Count a start of `project_id` (its request, a resume, a fork) for `key_id`, or say
        which limit it would break. The same `start_id` counts once however often it is asked."""
        params = {
            "key_id": key_id,
            "project_id": project_id,
            "start_id": start_id,
            "per_hour": per_hour,
            "concurrent": concurrent,
            "unrecorded_s": UNRECORDED_AFTER_S,
        }
        async with self._statements.connect() as conn:
            row = (await conn.execute(_START_GENERATION, params)).one()
        if row.refused == "generations_per_hour":
            return Refusal(
                row.refused,
                f"This key started {row.last_hour} generations in the last hour; "
                f"the limit is {per_hour}.",
                max(1, int(row.frees_in) + 1),
            )
        if row.refused == "concurrent_generations":
            return Refusal(
                row.refused,
                f"This key has {row.running} generations running; the limit is {concurrent}.",
                5,
            )
        return None

    async def forget_generation(self, start_id: uuid.UUID) -> None:
        """Un-count a start that never happened (its event could not be published)."""
        async with self._statements.connect() as conn:
            await conn.execute(_FORGET, {"start_id": start_id})

    async def open_socket(
        self,
        connection_id: uuid.UUID,
        key_id: str,
        gateway_id: str,
        *,
        per_key: int,
        total: int,
        stale_s: float,
    ) -> Refusal | None:
        """Count an open WebSocket, or say which limit it would break."""
        params = {
            "connection_id": connection_id,
            "key_id": key_id,
            "gateway_id": gateway_id,
            "per_key": per_key,
            "total": total,
            "stale_s": stale_s,
        }
        async with self._statements.connect() as conn:
            refused = (await conn.execute(_OPEN_SOCKET, params)).scalar_one()
        if refused == "websockets_total":
            return Refusal(refused, f"the gateway has {total} connections open", 10)
        if refused == "websockets_per_key":
            return Refusal(refused, f"this key has {per_key} connections open", 10)
        return None

    async def close_sockets(self, closed: Collection[uuid.UUID]) -> None:
        """Free the places of sockets that have closed, in one statement however many."""
        async with self._statements.connect() as conn:
            await conn.execute(_CLOSE, {"closed": list(closed)})

    async def release_gateway(self, gateway_id: str) -> None:
        """Free every place a gateway process holds: it is stopping, its sockets are closed."""
        async with self._statements.connect() as conn:
            await conn.execute(_RELEASE, {"gateway_id": gateway_id})

    async def refresh_sockets(
        self,
        gateway_id: str,
        open_now: Callable[[], Collection[uuid.UUID]],
        *,
        stale_s: float,
    ) -> None:
        """Mark alive the sockets `open_now()` names (this process's open ones), delete this
        process's other rows, and drop the rows of processes that stopped refreshing theirs.

        `open_now` is asked under the lock `open_socket` takes, so a socket opening meanwhile is
        either named or inserts its row after this transaction: never deleted while open."""
        async with self._engine.begin() as conn:
            await conn.execute(_LOCK, {"name": "ws_connections"})
            params = {"gateway_id": gateway_id, "open": list(open_now())}
            await conn.execute(_REFRESH, params)
            await conn.execute(_CLOSED, params)
            await conn.execute(_SWEEP, {"stale_s": stale_s})
