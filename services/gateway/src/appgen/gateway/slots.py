"""This process's WebSockets in the connection limits every gateway process shares.

The rows of `ws_connections` are only the shared count; which sockets are open is known here,
in memory. The periodic refresh keeps alive the rows of the sockets this process holds and
deletes its other rows, so a socket whose close could not be written down (PostgreSQL away as
it closed) frees its place at the first refresh after the database is back. A process that
stops refreshing (it died) has its rows expire after three rounds.
"""

from __future__ import annotations

import asyncio
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

    async def give_back(self, connection_id: uuid.UUID) -> None:
        """Free a closed socket's place; if the database cannot be told now, the next refresh
        that reaches it deletes the row."""
        self._open.discard(connection_id)
        try:
            await self._quotas.close_socket(connection_id)
        except Exception as error:
            log.warning("could not free a WebSocket's place yet (the next refresh will): %r", error)

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
