"""One client's feed: stored history, then the stream's tail, then live events; no gap, no repeat.

The order of the steps is what makes the seam safe:
1. register with the hub first, so every event the hub sees from now on is queued for us;
2. send the store's history after `since` (the store is a prefix of the stream);
3. read the rest of the project's events straight from the stream, up to its end: this covers
   what the recorder has not written yet, and everything the hub saw before step 1;
4. then the queued live events, skipping any position already sent (and any event id already
   sent, should an event be in the stream twice).
"""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import AsyncIterator
from types import TracebackType

from appgen.gateway.hub import Hub, Subscription
from appgen.gateway.messages import FeedItem
from appgen.gateway.reader import StreamReader
from appgen.store import EventStore


class Feed:
    """Use as `async with Feed(...) as feed: async for item in feed.items(): ...`."""

    def __init__(
        self,
        *,
        store: EventStore,
        reader: StreamReader,
        hub: Hub,
        project_id: str,
        since: int = 0,
        page: int = 500,
        idle_s: float | None = None,
    ) -> None:
        self._store = store
        self._reader = reader
        self._hub = hub
        self._project_id = project_id
        self._page = page
        self._idle_s = idle_s
        self._sub: Subscription | None = None
        self._seen: set[uuid.UUID] = set()
        self.last = since

    async def __aenter__(self) -> Feed:
        self._sub = self._hub.subscribe(self._project_id)
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        if self._sub is not None:
            self._sub.close("client gone")

    @property
    def close_reason(self) -> str | None:
        """Why the live part ended (a slow client, a shutdown), once it has."""
        return self._sub.reason if self._sub is not None else None

    async def wait_closed(self) -> str:
        """Wait until the hub ends this client's live events; returns why."""
        assert self._sub is not None
        await self._sub.ended.wait()
        return self._sub.reason or ""

    def _fresh(self, item: FeedItem) -> bool:
        if item.position <= self.last or item.event.event_id in self._seen:
            return False
        self.last = item.position
        self._seen.add(item.event.event_id)
        return True

    async def backlog(self) -> AsyncIterator[FeedItem]:
        """Steps 2 and 3: what happened after `since` up to now."""
        while True:
            stored = await self._store.history(self._project_id, since=self.last, limit=self._page)
            for record in stored:
                item = self._reader.item(record.position, record.event)
                if self._fresh(item):
                    yield item
            if len(stored) < self._page:
                break
        for item in await self._reader.after(self._project_id, self.last):
            if self._fresh(item):
                yield item

    async def items(self) -> AsyncIterator[FeedItem | None]:
        """Every event after `since`, then live ones until the subscription closes.

        Yields None after `idle_s` without an event, so the caller can send a heartbeat.
        """
        if self._sub is None:
            raise RuntimeError("enter the feed first")
        async for item in self.backlog():
            yield item
        while True:
            try:
                live = await asyncio.wait_for(self._sub.get(), self._idle_s)
            except TimeoutError:
                yield None
                continue
            if live is None:
                return
            if self._fresh(live):
                yield live
