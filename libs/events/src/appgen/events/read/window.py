"""The stream's newest messages as one in-order reader has handed them on (the gateway's hub).

A new WebSocket's first page needs what lies beyond the store's high-water mark, and asking the
stream for it waits behind every publish nats-server is writing to disk (a direct get's answer
leaves through the same loop that stores and fsyncs each message: 11 ms at p50 with a
generation running). The hub has read those messages already. A window keeps the newest of
them, by project, so such a read can take them from memory.

Complete from a position on: the window holds every message the reader handed on after
`complete_after`, up to the newest it added. A message pushed out by the limits raises
`complete_after` to its position, so a read that needs older messages is told so (None) and
asks the stream. What it hands back is only what the reader has handed on so far: a caller must
already be subscribed to the reader's later messages (the feed is, before it reads).
"""

from __future__ import annotations

from collections import deque
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    # The tail reads through the bus, which imports the logs: a type here, not an import.
    from appgen.events.read.tail import StreamMessage


class RecentWindow:
    """At most `messages` messages and `size` bytes of payload, the newest."""

    def __init__(self, *, start: int, messages: int = 5_000, size: int = 16 << 20) -> None:
        self._limit = messages
        self._size_limit = size
        self._size = 0
        self._order: deque[tuple[str, StreamMessage]] = deque()
        self._by_project: dict[str, deque[StreamMessage]] = {}
        # Every message after this position that the reader handed on is here.
        self.complete_after = start - 1

    def __len__(self) -> int:
        return len(self._order)

    def add(self, project_id: str, message: StreamMessage) -> None:
        """The reader's next message (in stream order)."""
        self._order.append((project_id, message))
        self._by_project.setdefault(project_id, deque()).append(message)
        self._size += len(message.data)
        while len(self._order) > self._limit or self._size > self._size_limit:
            self._evict()

    def covers(self, position: int) -> bool:
        """Whether every message after `position` the reader handed on is still here."""
        return position >= self.complete_after

    def after(self, project_id: str, position: int) -> list[StreamMessage] | None:
        """The project's messages after `position`, in order; None when older ones it would
        need were pushed out."""
        if not self.covers(position):
            return None
        held = self._by_project.get(project_id, ())
        return [message for message in held if message.position > position]

    def _evict(self) -> None:
        project_id, oldest = self._order.popleft()
        held = self._by_project[project_id]
        held.popleft()
        if not held:
            del self._by_project[project_id]
        self._size -= len(oldest.data)
        self.complete_after = oldest.position
