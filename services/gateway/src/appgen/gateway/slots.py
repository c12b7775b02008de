"""This process's WebSockets in the connection limits every gateway process shares.

The rows of `ws_connections` are only the shared count; which sockets are open is known here,
in memory. The periodic refresh keeps alive the rows of the sockets this process holds and
deletes its other rows, so a socket whose close could not be written down (PostgreSQL away as
it closed) frees its place at the first refresh after the database is back. A process that
stops refreshing (it died) has its rows expire after three rounds; one that stops cleanly
deletes its rows at the end (`stop`).

Closes are written down together: the rows of every socket that closed while the last delete
ran go in the next one. Sockets close in crowds (a network blip, clients leaving at once, the
process stopping), and one delete each kept 10,000 closes queued on the pool for seconds, past
the time a stopping process waits for its sockets' tasks.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import uuid

from appgen.store import QuotaStore, Refusal

log = logging.getLogger(__name__)


class SocketSlots:
    """Counts this process's WebSockets in the shared limits and keeps that count true."""

    def __init__(
        self,
        quotas: QuotaStore,
        gateway_id: str,
        *,
        per_key: int,
        total: int,
        refresh_s: float,
    ) -> None:
        self._quotas = quotas
        self._gateway_id = gateway_id
        self._per_key = per_key
        self._total = total
        self._refresh_s = refresh_s
        self._open: set[uuid.UUID] = set()
        # Closed here, their rows not deleted yet; and the task deleting them, while it runs.
        self._closed: set[uuid.UUID] = set()
        self._writing: asyncio.Task[None] | None = None

    @property
    def stale_s(self) -> float:
        """How long a row counts without a refresh."""
        return self._refresh_s * 3

    async def take(self, key_id: str) -> uuid.UUID | Refusal:
        """A place for a new socket of `key_id` (its connection id), or the limit that says no."""
        connection_id = uuid.uuid4()
        # Named open before its row exists, so a refresh running meanwhile never deletes the row.
        self._open.add(connection_id)
        try:
            refusal = await self._quotas.open_socket(
                connection_id,
                key_id,
                self._gateway_id,
                per_key=self._per_key,
                total=self._total,
                stale_s=self.stale_s,
            )
        except BaseException:
            self._open.discard(connection_id)
            raise
        if refusal is not None:
            self._open.discard(connection_id)
            return refusal
        return connection_id

    def give_back(self, connection_id: uuid.UUID) -> None:
        """Free a closed socket's place: its row goes in the next delete, which this object's
        own task makes, so the socket's task is not held. If the database cannot be told, the
        next refresh that reaches it deletes the row."""
        self._open.discard(connection_id)
        self._closed.add(connection_id)
        if self._writing is None or self._writing.done():
            self._writing = asyncio.get_running_loop().create_task(self._write_closes())

    async def _write_closes(self) -> None:
        while self._closed:
            closed, self._closed = self._closed, set()
            try:
                await self._quotas.close_sockets(closed)
            except Exception as error:
                # Not named open any more, so the refresh deletes them when it can.
                log.warning(
                    "could not free %d WebSocket places yet (the next refresh will): %r",
                    len(closed),
                    error,
                )

    async def settled(self) -> None:
        """Until every close given back so far is written down (or has failed to be)."""
        while self._writing is not None and not self._writing.done():
            await asyncio.shield(self._writing)

    async def stop(self) -> None:
        """At the process's end, once its sockets are closed: delete every row it holds."""
        if self._writing is not None:
            self._writing.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._writing
        try:
            await self._quotas.release_gateway(self._gateway_id)
        except Exception as error:
            log.warning("could not free this gateway's WebSocket places (they expire): %r", error)

    async def refresh(self) -> None:
        await self._quotas.refresh_sockets(
            self._gateway_id, lambda: frozenset(self._open), stale_s=self.stale_s
        )

    async def keep_fresh(self) -> None:
        """Refresh every `refresh_s` until cancelled."""
        while True:
            await asyncio.sleep(self._refresh_s)
            try:
                await self.refresh()
            except Exception as error:
                # The database may be away for a moment; the next round tries again.
                log.warning("could not refresh this gateway's WebSocket rows: %r", error)
