"""Reading the stream in order from a position, for ever: what the recorder and the hub read.

A pull consumer of our own rather than nats-py's ordered push consumer. That one is reset only
after two missed idle heartbeats, so anything that stops its deliveries stalls every reader for
about ten seconds (docs/architecture.md). Here one pull request at a time waits on an ephemeral
consumer (no acks, in memory, deleted when idle): a message is delivered the moment it is
stored, whatever came before. Every message carries its consumer sequence; the first one out
of line, a request that hears nothing (not even a heartbeat) for too long, or any error from the
server, and the consumer is made again from the next position still unread. So a reader sees
each stream position once, in order, with none skipped, across reconnects and server restarts.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import time
from collections import deque
from dataclasses import dataclass, field
from types import TracebackType
from typing import Any

import nats.errors
from nats.aio.msg import Msg
from nats.js.api import AckPolicy, ConsumerConfig, DeliverPolicy
from nats.js.errors import Error as JetStreamError

from appgen.events.bus import EventBus
from appgen.events.subjects import all_events

log = logging.getLogger(__name__)

_NS = 1_000_000_000
_STATUS = "Status"
_DESCRIPTION = "Description"
_HEARTBEAT = "100"
_EXPIRED = "408"
_NO_MESSAGES = "404"
_CONFLICT = "409"


@dataclass(frozen=True)
class StreamMessage:
    """One stored message: its position (the stream sequence), subject and payload."""

    position: int
    subject: str
    data: bytes


class _Restart(Exception):
    """The consumer cannot be trusted to go on in order: make it again from the next position."""


@dataclass
class _Pulls:
    """One consumer's pull requests: how many messages each still owes, oldest first."""

    failed: asyncio.Future[None]
    owed: deque[int] = field(default_factory=deque)
    # The consumer sequence due next: any other means a message was lost on the way.
    expected: int = 1
    heard: float = field(default_factory=time.monotonic)
    changed: asyncio.Event = field(default_factory=asyncio.Event)


class StreamTail:
    """The stream's messages from position `start` on, in order, buffered up to `buffer`.

    Use as `async with StreamTail(bus, start=n) as tail: batch = await tail.next_batch(512)`.
    Reading ahead stops while the buffer is full, so a slow reader holds at most `buffer`
    messages in memory.
    """

    def __init__(
        self,
        bus: EventBus,
        *,
        start: int,
        subject: str | None = None,
        batch: int = 512,
        buffer: int = 4096,
        expires_s: float = 30.0,
        heartbeat_s: float = 1.0,
        name: str = "tail",
    ) -> None:
        if start < 1:
            raise ValueError("stream positions start at 1")
        self._bus = bus
        self._subject = subject or all_events()
        self._batch = max(min(batch, buffer // 2), 1)
        self._buffer_size = buffer
        self._expires_s = expires_s
        self._heartbeat_s = heartbeat_s
        self._name = name
        self._next = start
        self._buffer: deque[StreamMessage] = deque()
        self._arrived = asyncio.Event()
        self._drained = asyncio.Event()
        self._task: asyncio.Task[None] | None = None
        self.restarts = 0

    @property
    def next_position(self) -> int:
        """The next position this tail will read from the stream (one past what it has read)."""
        return self._next

    async def __aenter__(self) -> StreamTail:
        self._task = asyncio.create_task(self._run(), name=f"{self._name}-reader")
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
            self._task = None

    async def next_batch(self, most: int) -> list[StreamMessage]:
        """The next messages in stream order (at least one, at most `most`), waiting for one."""
        while not self._buffer:
            self._arrived.clear()
            if self._task is not None and self._task.done():
                self._task.result()
                raise RuntimeError(f"{self._name}: the stream reader stopped")
            await self._arrived.wait()
        taken = [self._buffer.popleft() for _ in range(min(most, len(self._buffer)))]
        self._drained.set()
        return taken

    async def _run(self) -> None:
        delay = 0.0
        while True:
            read_from = self._next
            try:
                await self._consume()
            except _Restart as why:
                self.restarts += 1
                log.info("%s: reading again from %d (%s)", self._name, self._next, why)
            except (nats.errors.Error, JetStreamError, OSError) as error:
                self.restarts += 1
                log.warning("%s: stream read failed at %d (%r)", self._name, self._next, error)
            # Again at once after progress; a server that keeps refusing is asked less often.
            delay = 0.0 if self._next > read_from else min(max(delay * 2, 0.05), 1.0)
            await asyncio.sleep(delay)

    async def _consume(self) -> None:
        js, nc = self._bus.js, self._bus.nc
        stream = self._bus.settings.stream
        info = await js.add_consumer(
            stream,
            ConsumerConfig(
                deliver_policy=DeliverPolicy.BY_START_SEQUENCE,
                opt_start_seq=self._next,
                ack_policy=AckPolicy.NONE,
                filter_subject=self._subject,
                mem_storage=True,
                # A reader that died leaves nothing behind for long.
                inactive_threshold=max(self._expires_s * 2, 30.0),
            ),
        )
        pulls = _Pulls(asyncio.get_running_loop().create_future())

        async def on_message(msg: Msg) -> None:
            if not pulls.failed.done():
                try:
                    self._receive(msg, pulls)
                except _Restart as why:
                    pulls.failed.set_exception(why)

        inbox = nc.new_inbox()
        subscription = await nc.subscribe(
            inbox, cb=on_message, pending_msgs_limit=-1, pending_bytes_limit=-1
        )
        try:
            await self._request(pulls, f"$JS.API.CONSUMER.MSG.NEXT.{stream}.{info.name}", inbox)
        finally:
            pulls.failed.cancel()
            with contextlib.suppress(Exception):
                await subscription.unsubscribe()
            with contextlib.suppress(Exception):
                await js.delete_consumer(stream, info.name)

    async def _request(self, pulls: _Pulls, subject: str, inbox: str) -> None:
        """Keep up to two pull requests waiting while there is room; watch that they are heard.

        Two, so the server always has one to fill while the client reads the other's messages.
        """
        request = json.dumps(
            {
                "batch": self._batch,
                "expires": int(self._expires_s * _NS),
                "idle_heartbeat": int(self._heartbeat_s * _NS),
            }
        ).encode()
        # Nothing at all (no message, no heartbeat) for this long means the requests are gone:
        # a reconnect dropped them, or the server lost the consumer.
        silence_s = self._heartbeat_s * 2.5
        while True:
            while len(pulls.owed) < 2 and self._has_room(len(pulls.owed) + 1):
                if not pulls.owed:
                    pulls.heard = time.monotonic()
                pulls.owed.append(self._batch)
                await self._bus.nc.publish(subject, request, reply=inbox)
            pulls.changed.clear()
            self._drained.clear()
            waits: list[asyncio.Future[Any]] = [
                asyncio.ensure_future(pulls.changed.wait()),
                asyncio.ensure_future(self._drained.wait()),
            ]
            try:
                await asyncio.wait(
                    [pulls.failed, *waits],
                    timeout=self._heartbeat_s,
                    return_when=asyncio.FIRST_COMPLETED,
                )
            finally:
                for waiter in waits:
                    waiter.cancel()
            if pulls.failed.done():
                pulls.failed.result()
            if pulls.owed and time.monotonic() - pulls.heard > silence_s:
                raise _Restart(f"no message or heartbeat for {silence_s:.1f}s")

    def _receive(self, msg: Msg, pulls: _Pulls) -> None:
        pulls.heard = time.monotonic()
        status = msg.headers.get(_STATUS) if msg.headers else None
        if status is None:
            self._take(msg, pulls)
            if pulls.owed:
                pulls.owed[0] -= 1
                if pulls.owed[0] <= 0:
                    pulls.owed.popleft()
                    pulls.changed.set()
        elif status == _HEARTBEAT:
            return
        elif status in (_EXPIRED, _NO_MESSAGES):
            # Requests expire in the order they were made: this is the oldest one's end.
            if pulls.owed:
                pulls.owed.popleft()
            pulls.changed.set()
        else:
            described = msg.headers.get(_DESCRIPTION, "") if msg.headers else ""
            raise _Restart(f"the server said {status} {described}".strip())

    def _take(self, msg: Msg, pulls: _Pulls) -> None:
        sequence = msg.metadata.sequence
        if sequence.consumer != pulls.expected:
            raise _Restart(f"consumer sequence {sequence.consumer} where {pulls.expected} was due")
        if sequence.stream < self._next:
            raise _Restart(f"position {sequence.stream} again after {self._next - 1}")
        self._buffer.append(StreamMessage(sequence.stream, msg.subject, msg.data))
        self._next = sequence.stream + 1
        pulls.expected += 1
        self._arrived.set()

    def _has_room(self, requests: int) -> bool:
        return len(self._buffer) + self._batch * requests <= self._buffer_size
