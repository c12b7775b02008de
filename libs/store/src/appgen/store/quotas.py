"""The counters behind the gateway's limits, in PostgreSQL so every gateway process sees them.

Each check-and-count runs in one transaction under a transaction-scoped advisory lock, so two
processes admitting at the same instant cannot both take the last place.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Collection
from dataclasses import dataclass

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine

# After this long a generation whose ProjectRequested never reached the store (a publish that
# failed after admission) stops counting as running.
UNRECORDED_AFTER_S = 600

_LOCK = text("SELECT pg_advisory_xact_lock(hashtext(:name))")
# A project counts as running once however often it started; the start being admitted (a
# retry of it, or a resume of this very project) does not count against itself.
_GENERATIONS = text(
    f"""
    SELECT
      count(*) FILTER (WHERE g.start_id <> :start_id) AS last_hour,
      count(DISTINCT g.project_id) FILTER (
        WHERE g.project_id <> :project_id AND (
          p.status = 'running'
          OR (p.status IS NULL AND g.started_at > now() - interval '{UNRECORDED_AFTER_S} seconds')
        )
      ) AS running,
      coalesce(extract(epoch FROM min(g.started_at) + interval '1 hour' - now()), 0) AS frees_in
    FROM generation_starts g LEFT JOIN projects p ON p.project_id = g.project_id
    WHERE g.key_id = :key_id AND g.started_at > now() - interval '1 hour'
    """
)
_START = text(
    "INSERT INTO generation_starts (start_id, project_id, key_id) "
    "VALUES (:start_id, :project_id, :key_id) ON CONFLICT (start_id) DO NOTHING"
)
_FORGET = text("DELETE FROM generation_starts WHERE start_id = :start_id")
_SOCKETS = text(
    """
    SELECT count(*) AS total, count(*) FILTER (WHERE key_id = :key_id) AS mine
    FROM ws_connections WHERE seen_at > now() - make_interval(secs => :stale_s)
    """
)
_OPEN = text(
    "INSERT INTO ws_connections (connection_id, key_id, gateway_id) "
    "VALUES (:connection_id, :key_id, :gateway_id)"
)
_CLOSE = text("DELETE FROM ws_connections WHERE connection_id = :connection_id")
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
        params = {"key_id": key_id, "project_id": project_id, "start_id": start_id}
        async with self._engine.begin() as conn:
            await conn.execute(_LOCK, {"name": f"generations:{key_id}"})
            row = (await conn.execute(_GENERATIONS, params)).one()
            if row.last_hour >= per_hour:
                return Refusal(
                    "generations_per_hour",
                    f"This key started {row.last_hour} generations in the last hour; "
                    f"the limit is {per_hour}.",
                    max(1, int(row.frees_in) + 1),
                )
            if row.running >= concurrent:
                return Refusal(
                    "concurrent_generations",
                    f"This key has {row.running} generations running; the limit is {concurrent}.",
                    5,
                )
            await conn.execute(_START, params)
        return None

    async def forget_generation(self, start_id: uuid.UUID) -> None:
        """Un-count a start that never happened (its event could not be published)."""
        async with self._engine.begin() as conn:
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
        async with self._engine.begin() as conn:
            await conn.execute(_LOCK, {"name": "ws_connections"})
            row = (await conn.execute(_SOCKETS, {"key_id": key_id, "stale_s": stale_s})).one()
            if row.total >= total:
                return Refusal("websockets_total", f"the gateway has {total} connections open", 10)
            if row.mine >= per_key:
                return Refusal("websockets_per_key", f"this key has {per_key} connections open", 10)
            await conn.execute(
                _OPEN,
                {"connection_id": connection_id, "key_id": key_id, "gateway_id": gateway_id},
            )
        return None

    async def close_socket(self, connection_id: uuid.UUID) -> None:
        async with self._engine.begin() as conn:
            await conn.execute(_CLOSE, {"connection_id": connection_id})

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
