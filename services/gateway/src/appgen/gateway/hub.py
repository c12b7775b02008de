"""The fan-out hub: ONE JetStream subscription per gateway process, shared by every client.

An ordered push consumer over all event subjects, delivering only new messages, hands each
event (decoded once, its JSON built once) to the bounded queues of the clients watching its
project. A queue that is full marks its client as too slow; the client is closed with a reason
and nobody else waits for it.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections import defaultdict

from nats.aio.msg import Msg
from nats.js.api import DeliverPolicy
from nats.js.client import JetStreamContext

from appgen.events import EventBus, InvalidEvent, decode
from appgen.events.subjects import all_events, parse_subject
from appgen.gateway.messages import FeedItem, ItemMaker

log = logging.getLogger(__name__)

SHUTDOWN = "server shutting down"
TOO_SLOW = "client too slow"


class Subscription:
    """One client's view of the live events of one project."""

    def __init__(self, hub: Hub, project_id: str, size: int) -> None:
        self.hub = hub
        self.project_id = project_id
        # One slot more than the buffer, so the end-of-stream marker always fits.
        self._queue: asyncio.Queue[FeedItem | None] = asyncio.Queue(maxsize=size + 1)
        self._size = size
        self.reason: str | None = None
        self.ended = asyncio.Event()

    @property
    def closed(self) -> bool:
        return self.reason is not None

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
        self._sub: JetStreamContext.PushSubscription | None = None
        self.high_water = 0
        self.delivered = 0

    async def start(self) -> None:
        self._sub = await self._bus.js.subscribe(
            all_events(),
            stream=self._bus.settings.stream,
            cb=self._on_message,
            ordered_consumer=True,
            deliver_policy=DeliverPolicy.NEW,
            idle_heartbeat=5.0,
            # The hub must never be the slow consumer: nats-py would drop and the consumer reset.
            pending_msgs_limit=1_000_000,
            pending_bytes_limit=1024 * 1024 * 1024,
        )

    def close_all(self, reason: str) -> None:
        """End every client's subscription with `reason` (the server is going down)."""
        for subs in list(self._by_project.values()):
            for sub in list(subs):
                sub.close(reason)

    async def stop(self) -> None:
        self.close_all(SHUTDOWN)
        if self._sub is not None:
            with contextlib.suppress(Exception):
                await self._sub.unsubscribe()
            self._sub = None

    def subscribe(self, project_id: str) -> Subscription:
        sub = Subscription(self, project_id, self._buffer)
        self._by_project[project_id].add(sub)
        return sub

    def remove(self, sub: Subscription) -> None:
        subs = self._by_project.get(sub.project_id)
        if subs is not None:
            subs.discard(sub)
            if not subs:
                del self._by_project[sub.project_id]

    @property
    def clients(self) -> int:
        return sum(len(subs) for subs in self._by_project.values())

    async def _on_message(self, msg: Msg) -> None:
        position = msg.metadata.sequence.stream
        self.high_water = max(self.high_water, position)
        try:
            project_id, _ = parse_subject(msg.subject)
        except ValueError:
            return
        subs = self._by_project.get(project_id)
        if not subs:
            return
        try:
            event = decode(msg.subject, msg.data)
        except InvalidEvent as error:
            log.warning("skipping invalid event at %d: %s", position, error)
            return
        item = self._item(position, event)
        for sub in list(subs):
            sub.offer(item)
            self.delivered += 1
        # Let the clients' senders run between messages: a burst of events for one project must
        # not fill every client's buffer before any of them gets a turn to drain it.
        await asyncio.sleep(0)
