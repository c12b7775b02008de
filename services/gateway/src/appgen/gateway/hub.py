"""The fan-out hub: ONE reader of the stream per gateway process, shared by every client.

A `StreamTail` from the stream's end at start (the same in-order reader the recorder uses, which
never waits on a heartbeat to recover) hands each event, decoded once and its JSON built once,
to the bounded queues of the clients watching its project. A queue that is full marks its
client as too slow; the client is closed with a reason and nobody else waits for it. A
WebSocket that has caught up takes the direct path instead (`appgen.gateway.direct`): the hub
writes the event's frame to its transport itself, with no queue and no task woken.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections import defaultdict

from appgen.events import EventBus
from appgen.events.catalog.subjects import parse_subject
from appgen.events.read.log import readable
from appgen.events.read.tail import StreamMessage, StreamTail
from appgen.events.read.window import RecentWindow
from appgen.events.transport import metrics
from appgen.gateway.direct import DirectProject, Member
from appgen.gateway.messages import FeedItem, ItemMaker

log = logging.getLogger(__name__)

SHUTDOWN = "server shutting down"
TOO_SLOW = "client too slow"
# Bytes a direct socket's transport may hold before it goes back to its queue: asyncio's
# default high-water mark, where uvicorn's own sends start to wait.
DIRECT_LIMIT = 64 * 1024


class Subscription:
    """One client's view of the live events of one project."""

    def __init__(self, hub: Hub, project_id: str, size: int, key_id: str | None = None) -> None:
        self.hub = hub
        self.project_id = project_id
        # The key the client authenticated with: its stream ends when the key is revoked.
        self.key_id = key_id
        # One slot more than the buffer, so the end-of-stream marker always fits.
        self._queue: asyncio.Queue[FeedItem | None] = asyncio.Queue(maxsize=size + 1)
        self._size = size
        self.reason: str | None = None
        self.ended = asyncio.Event()
        # Set while the socket is on the direct path (or able to take it).
        self.member: Member | None = None

    @property
    def closed(self) -> bool:
        return self.reason is not None

    @property
    def idle(self) -> bool:
        """Nothing queued: the client has been handed everything dispatched to it."""
        return self._queue.empty()

    def offer(self, item: FeedItem) -> None:
        if self.reason is not None:
            return
        if self._queue.qsize() >= self._size:
            # Dropped at once rather than after draining a buffer it could not keep up with;
            # what it misses it gets again on reconnect with `since`.
            while not self._queue.empty():
                self._queue.get_nowait()
            self.close(f"{TOO_SLOW}: more than {self._size} events buffered")
            return
        self._queue.put_nowait(item)

    def close(self, reason: str) -> None:
        """End the subscription; the client reads what is buffered, then None."""
        if self.reason is not None:
            return
        self.reason = reason
        self.hub.remove(self)
        self._queue.put_nowait(None)
        self.ended.set()

    async def get(self) -> FeedItem | None:
        """The next live event, or None once the subscription is closed (see `reason`)."""
        return await self._queue.get()


class Hub:
    """Dispatches the live stream to subscriptions by project id."""

    def __init__(self, bus: EventBus, *, buffer: int, item: ItemMaker = FeedItem) -> None:
        self._bus = bus
        self._item = item
        self._buffer = buffer
        self._by_project: defaultdict[str, set[Subscription]] = defaultdict(set)
        self._direct: dict[str, DirectProject] = {}
        self._tail: StreamTail | None = None
        # The newest messages read, for a new client's first page (`RecentWindow`).
        self.window: RecentWindow | None = None
        self._task: asyncio.Task[None] | None = None
        self.delivered = 0

    @property
    def high_water(self) -> int:
        """Every position up to here has been dispatched (or was in the stream before start)."""
        return self._tail.next_position - 1 if self._tail is not None else 0

    async def start(self) -> None:
        info = await self._bus.js.stream_info(self._bus.settings.stream)
        self._tail = StreamTail(self._bus, start=info.state.last_seq + 1, name="gateway-hub")
        self.window = RecentWindow(start=info.state.last_seq + 1)
        await self._tail.__aenter__()
        self._task = asyncio.create_task(self._dispatch(self._tail), name="gateway-hub")

    def close_all(self, reason: str) -> None:
        """End every client's subscription with `reason` (the server is going down)."""
        for subs in list(self._by_project.values()):
            for sub in list(subs):
                sub.close(reason)

    async def stop(self) -> None:
        self.close_all(SHUTDOWN)
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
            self._task = None
        if self._tail is not None:
            await self._tail.__aexit__(None, None, None)
            self._tail = None

    def subscribe(self, project_id: str, key_id: str | None = None) -> Subscription:
        sub = Subscription(self, project_id, self._buffer, key_id)
        self._by_project[project_id].add(sub)
        return sub

    def open_keys(self) -> set[str]:
        """The keys that have a live stream open on this process."""
        return {
            sub.key_id
            for subs in self._by_project.values()
            for sub in subs
            if sub.key_id is not None
        }

    def close_key(self, key_id: str, reason: str) -> int:
        """End every live stream of `key_id` with `reason`; how many there were."""
        ended = [sub for subs in self._by_project.values() for sub in subs if sub.key_id == key_id]
        for sub in ended:
            sub.close(reason)
        return len(ended)

    def go_direct(self, sub: Subscription) -> None:
        """Put a caught-up subscription (`idle`, with a `member`) on its project's direct path."""
        member = sub.member
        if member is None or member.direct or sub.closed or not sub.idle:
            return
        backlog = member.writer.backlog()
        if backlog is None or backlog > DIRECT_LIMIT // 2:
            return
        direct = self._direct.get(sub.project_id)
        if direct is None:
            direct = self._direct[sub.project_id] = DirectProject(DIRECT_LIMIT)
        direct.join(member)

    def _leave_direct(self, sub: Subscription) -> None:
        direct = self._direct.get(sub.project_id)
        if direct is not None and sub.member is not None:
            direct.leave(sub.member)
            if not direct:
                del self._direct[sub.project_id]

    def remove(self, sub: Subscription) -> None:
        self._leave_direct(sub)
        subs = self._by_project.get(sub.project_id)
        if subs is not None:
            subs.discard(sub)
            if not subs:
                del self._by_project[sub.project_id]

    @property
    def clients(self) -> int:
        return sum(len(subs) for subs in self._by_project.values())

    async def _dispatch(self, tail: StreamTail) -> None:
        while True:
            for message in await tail.next_batch(256):
                self._offer(message)
                # Let the clients' senders run between messages: a burst of events for one
                # project must not fill every client's buffer before any of them gets a turn.
                await asyncio.sleep(0)

    def _offer(self, message: StreamMessage) -> None:
        try:
            project_id, _ = parse_subject(message.subject)
        except ValueError:
            return
        if self.window is not None:
            self.window.add(project_id, message)
        subs = self._by_project.get(project_id)
        if not subs:
            return
        event = readable(message.position, message.subject, message.data)
        if event is None:
            return
        item = self._item(message.position, event)
        for sub in list(subs):
            if sub.member is None or not sub.member.direct:
                sub.offer(item)
                self.delivered += 1
        direct = self._direct.get(project_id)
        if direct:
            started = time.perf_counter()
            written, gone = direct.deliver(item)
            if not direct:
                del self._direct[project_id]
            if gone:
                # Back on their queues, where the slow-client rule applies, from this event on.
                for sub in list(subs):
                    if sub.member in gone:
                        sub.offer(item)
            self.delivered += written + len(gone)
            # Once per event, not per socket.
            metrics.WS_DIRECT_FRAMES.inc(written)
            metrics.WS_FANOUT_SECONDS.observe(time.perf_counter() - started)
