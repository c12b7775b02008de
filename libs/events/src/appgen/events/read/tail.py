"""Reading the stream in order from a position, for ever: what the recorder and the hub read.

A pull consumer of our own rather than nats-py's ordered push consumer, which recovers only
after two missed idle heartbeats (about ten seconds) once its deliveries stop, and, started with
`DeliverPolicy.NEW`, replays the stream from 1 if it resets before its first message. Here pull
requests always wait on an ephemeral consumer (no acks, in memory, deleted when idle; see
`pull.py`), so a message is delivered the moment it is stored, whatever came before. Every
message carries its consumer sequence; the first one out of line, a heartbeat naming a message
not seen, silence (not even a heartbeat) for too long, a reconnect, or any error from the
server, and the consumer is made again from the next position still unread. So a reader sees
each stream position once, in order, with none skipped, across reconnects and server restarts.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections import deque
from dataclasses import dataclass
from types import TracebackType

import nats.errors
from nats.aio.msg import Msg
from nats.js.api import AckPolicy, ConsumerConfig, DeliverPolicy
from nats.js.errors import Error as JetStreamError

from appgen.events.catalog.subjects import all_events
from appgen.events.transport.bus import EventBus
from appgen.events.transport.pull import Puller, PullFailed

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class StreamMessage:
    """One stored message: its position (the stream sequence), subject and payload."""

    position: int
    subject: str
    data: bytes


@dataclass
class _Order:
    """The consumer sequence due next: any other means a message was lost on the way."""

    expected: int = 1

    def check_heartbeat(self, last: int | None) -> None:
        # A heartbeat that names a later message than the last one seen: one was lost.
        if last is not None and last >= self.expected:
            raise PullFailed(f"the server delivered up to {last}, this reader {self.expected - 1}")


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
        if self._task is None:
            raise RuntimeError("enter the tail first")
        while not self._buffer:
            self._arrived.clear()
            if self._task.done():
                self._task.result()
                raise RuntimeError(f"{self._name}: the stream reader stopped")
            arrived = asyncio.ensure_future(self._arrived.wait())
            try:
                # The reader ending (it never does but by a bug) must not leave this waiting.
                await asyncio.wait([arrived, self._task], return_when=asyncio.FIRST_COMPLETED)
            finally:
                arrived.cancel()
        taken = [self._buffer.popleft() for _ in range(min(most, len(self._buffer)))]
        self._drained.set()
        return taken

    async def _run(self) -> None:
        delay = 0.0
        while True:
            read_from = self._next
            try:
                await self._consume()
            except PullFailed as why:
                log.info("%s: reading again from %d (%s)", self._name, self._next, why)
            except (nats.errors.Error, JetStreamError, OSError) as error:
                log.warning("%s: stream read failed at %d (%r)", self._name, self._next, error)
            # Again at once after progress; a server that keeps refusing is asked less often.
            delay = 0.0 if self._next > read_from else min(max(delay * 2, 0.05), 1.0)
            await asyncio.sleep(delay)

    async def _consume(self) -> None:
        js = self._bus.js
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
        order = _Order()
        try:
            async with Puller(
                self._bus.nc,
                stream,
                info.name,
                on_message=lambda msg: self._take(msg, order),
                on_heartbeat=order.check_heartbeat,
                expires_s=self._expires_s,
                heartbeat_s=self._heartbeat_s,
            ) as puller:
                await self._request(puller)
        finally:
            with contextlib.suppress(Exception):
                await js.delete_consumer(stream, info.name)

    async def _request(self, puller: Puller) -> None:
        """Keep about two batches owed while there is room, so the server always has a request
        to fill while this reader takes the messages of the one before."""
        while True:
            puller.check()
            # Cleared before looking, so a request that ends from here on wakes us.
            puller.changed.clear()
            self._drained.clear()
            wanted = 2 * self._batch - puller.owed
            if wanted >= self._batch // 2 and self._has_room(puller.owed + wanted):
                await puller.request(wanted)
            waits = [
                asyncio.ensure_future(self._drained.wait()),
                asyncio.ensure_future(puller.wait(self._heartbeat_s)),
            ]
            try:
                await asyncio.wait(waits, return_when=asyncio.FIRST_COMPLETED)
            finally:
                for waiter in waits:
                    waiter.cancel()

    def _take(self, msg: Msg, order: _Order) -> None:
        sequence = msg.metadata.sequence
        if sequence.consumer != order.expected:
            raise PullFailed(
                f"consumer sequence {sequence.consumer} where {order.expected} was due"
            )
        if sequence.stream < self._next:
            raise PullFailed(f"position {sequence.stream} again after {self._next - 1}")
        self._buffer.append(StreamMessage(sequence.stream, msg.subject, msg.data))
        self._next = sequence.stream + 1
        order.expected += 1
        self._arrived.set()

    def _has_room(self, messages: int) -> bool:
        return len(self._buffer) + messages <= self._buffer_size
