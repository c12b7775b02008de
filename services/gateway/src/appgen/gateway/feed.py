"""One client's feed: the project's history after `since`, then live events; no gap, no repeat.

The order of the steps is what makes the seam safe:
1. register with the hub first, so every event the hub dispatches from now on is queued for us;
2. read the project's log after `since` up to its end (`ProjectLog.read`: the store below its
   high-water mark, the stream above it, so it holds every event however far the recorder
   trails; above the mark, the hub's window of the newest messages it read where that reaches
   back far enough, which holds everything the hub dispatched); this covers everything the hub
   dispatched before step 1;
3. then the queued live events, skipping any position already sent, and any event id the
   project's log already held: an event the stream holds twice (published again past the
   duplicate window) reaches a client once, even one that resumed with `since` past its first
   copy.
4. once nothing is queued (everything the hub dispatched to it has been handed to the socket), a
   WebSocket given a `FrameWriter` joins the hub's direct path (`appgen.gateway.direct`): the hub
   writes later events to it itself, under the same cursor, so the checks above still hold. It
   comes back to the queue when its transport falls behind.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from types import TracebackType

from appgen.events import ProjectLog
from appgen.events.read.log import Record
from appgen.gateway.direct import Cursor, Member, View, Writer
from appgen.gateway.hub import Hub, Subscription
from appgen.gateway.messages import FeedItem, ItemMaker


class Feed:
    """Use as `async with Feed(...) as feed: async for item in feed.items(): ...`."""

    def __init__(
        self,
        *,
        log: ProjectLog,
        items: ItemMaker,
        hub: Hub,
        project_id: str,
        since: int = 0,
        page: int = 500,
        idle_s: float | None = None,
        key_id: str | None = None,
    ) -> None:
        self._log = log
        self._items = items
        self._hub = hub
        self._project_id = project_id
        self._page = page
        self._idle_s = idle_s
        self._key_id = key_id
        self._sub: Subscription | None = None
        self._cursor = Cursor(since)
        self._since = since
        self._member: Member | None = None
        # The backlog's first page when `opening_page` read it ahead.
        self._opening: list[Record] | None = None

    @property
    def last(self) -> int:
        """The position of the last event handed to the client (or `since`)."""
        return self._cursor.last

    def go_direct_with(self, writer: Writer, view: View) -> None:
        """Let the hub write live events to the socket itself once it has caught up; `view`,
        the one the caller renders with, is kept as the socket's own meanwhile."""
        self._member = Member(writer, view, self._cursor)

    async def __aenter__(self) -> Feed:
        self._sub = self._hub.subscribe(self._project_id, self._key_id)
        self._sub.member = self._member
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
        return self._cursor.take(item)

    async def opening_page(self) -> list[Record]:
        """Step 2's first page, read now and kept for `backlog` (enter the feed first, so the
        seam's order holds). From position 0 its first record is the project's first event,
        which names the owner: a new socket learns both from one read."""
        if self._sub is None:
            raise RuntimeError("enter the feed first")
        self._opening = await self._read()
        return self._opening

    async def _read(self) -> list[Record]:
        """The next page after the last position handed on. Subscribed to the hub since step 1,
        the feed may take the hub's newest messages instead of asking the stream."""
        return await self._log.read(
            self._project_id, after=self.last, limit=self._page, recent=self._hub.window
        )

    def forget_opening_page(self) -> None:
        """The page read ahead is out of date (the project was started since): read it again."""
        self._opening = None

    async def backlog(self) -> AsyncIterator[FeedItem]:
        """Step 2: what happened after `since` up to now."""
        if self._since > 0:
            # The ids at or before `since` were sent on an earlier connection; a live copy of
            # one of them must not be sent again.
            self._cursor.seen |= await self._log.event_ids(self._project_id, until=self._since)
        while True:
            page, self._opening = self._opening, None
            if page is None:
                page = await self._read()
            for position, event in page:
                item = self._items(position, event)
                if self._fresh(item):
                    yield item
            if len(page) < self._page:
                return

    async def items(self) -> AsyncIterator[FeedItem | None]:
        """Every event after `since`, then live ones until the subscription closes.

        Yields None after `idle_s` without an event, so the caller can send a heartbeat.
        """
        if self._sub is None:
            raise RuntimeError("enter the feed first")
        async for item in self.backlog():
            yield item
        while True:
            # Between two awaits: the client has been handed every item yielded so far.
            self._hub.go_direct(self._sub)
            before = self._cursor.last
            try:
                # A timeout scope, not `wait_for`: no task per event or per idle ping.
                async with asyncio.timeout(self._idle_s):
                    live = await self._sub.get()
            except TimeoutError:
                # On the direct path events arrive without waking us: idle means none did.
                if self._cursor.last == before:
                    yield None
                continue
            if live is None:
                return
            if self._fresh(live):
                yield live
