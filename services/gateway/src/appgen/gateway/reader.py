"""Reading one project's events straight from the JetStream stream.

The store trails the stream by the recorder's batch delay; this closes that gap, and answers
"does this project exist?" the moment its first event is acknowledged.
"""

from __future__ import annotations

import contextlib

from nats.js.errors import NotFoundError

from appgen.events import EventBus, InvalidEvent, decode
from appgen.events.subjects import project_filter
from appgen.gateway.messages import FeedItem, ItemMaker


class StreamReader:
    """Direct gets (no consumer is created) on the stream, filtered to one project's subject."""

    def __init__(self, bus: EventBus, *, item: ItemMaker = FeedItem) -> None:
        self._bus = bus
        self.item = item
        self._stream = bus.settings.stream

    async def after(self, project_id: str, position: int, *, limit: int = 10_000) -> list[FeedItem]:
        """The project's events with a position greater than `position`, in order."""
        items: list[FeedItem] = []
        seq = position + 1
        while len(items) < limit:
            try:
                raw = await self._bus.js.get_msg(
                    self._stream,
                    seq=seq,
                    subject=project_filter(project_id),
                    direct=True,
                    next=True,
                )
            except NotFoundError:
                break
            assert raw.subject is not None
            assert raw.seq is not None
            # Not ours to judge here; the recorder reports invalid events.
            with contextlib.suppress(InvalidEvent):
                items.append(self.item(raw.seq, decode(raw.subject, raw.data or b"")))
            seq = raw.seq + 1
        return items

    async def first(self, project_id: str) -> FeedItem | None:
        """The project's first event (its ProjectRequested) if the stream holds it."""
        items = await self.after(project_id, 0, limit=1)
        return items[0] if items else None
