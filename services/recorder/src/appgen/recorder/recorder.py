"""The tracked recorder: the stream, read in order from the store's high-water mark, into the store.

Each batch is a run of consecutive stream positions written in ONE transaction with the tracking
row that says "every position up to here is handled" (`EventStore.append_tracked`). Nothing is
acknowledged: the mark is the truth. So no later position is ever committed before an earlier
one, the store is always a prefix of the stream up to the mark, and a recorder that crashes
anywhere starts again from the mark, where the unique event id makes any overlap harmless.

While one batch commits the tail reads the next ones, so under load a transaction carries up to
`batch_max` events; when idle a transaction waits `linger_s` (10 ms) for the rest of a burst.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections.abc import Awaitable
from typing import TypeVar

from appgen.events import EventBus, open_bus
from appgen.events.read.tail import StreamTail
from appgen.events.transport import metrics
from appgen.recorder.handlers import Batch, Milestones, sort_batch
from appgen.recorder.leader import NotLeading, leadership
from appgen.recorder.settings import Settings
from appgen.store import CheckpointMoved, EventStore

log = logging.getLogger(__name__)
T = TypeVar("T")
# Messages decoded in one go (the loop is not held for long).
_DECODE_AT_ONCE = 100


async def serve(settings: Settings, stop: asyncio.Event) -> None:
    """The process's body: record until `stop` (tests and the in-process pipeline run it too)."""
    async with open_bus(settings, name="appgen-recorder") as bus:
        store = await EventStore.open(settings.database_url, pool_size=settings.pool_size)
        try:
            await Recorder(bus, store, settings).run(stop)
        finally:
            await store.close()


class Recorder:
    """Run with `await Recorder(bus, store, settings).run(stop)` until `stop` is set."""

    def __init__(self, bus: EventBus, store: EventStore, settings: Settings) -> None:
        self._bus = bus
        self._store = store
        self._settings = settings
        self._milestones = Milestones(bus.log)

    async def run(self, stop: asyncio.Event) -> None:
        delay = 0.0
        while not stop.is_set():
            try:
                async with leadership(
                    self._store.engine, stop, retry_s=self._settings.lock_retry_s
                ) as lost:
                    delay = 0.0
                    await self._lead(stop, lost)
            except NotLeading:
                continue
            except CheckpointMoved as error:
                log.error("%s; reading the mark again", error)
            except Exception as error:
                # The database is away (the lock or the mark cannot be read): wait and try again.
                delay = min(max(delay * 2, 0.1), self._settings.retry_max_s)
                log.warning("recorder cannot lead yet (%r); again in %.1fs", error, delay)
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(stop.wait(), delay)

    async def _lead(self, stop: asyncio.Event, lost: asyncio.Event) -> None:
        await self._store.ensure_tracking()
        mark = await self._store.high_water()
        metrics.RECORDER_HIGH_WATER.set(mark)
        log.info("recording from position %d", mark + 1)
        # Decoded batches wait here while one commits: decoding the next one overlaps the
        # database's work on this one.
        # About one transaction's worth: every decoded event waiting is walked again by each
        # collection of the garbage collector, so no more wait than the next commit can take.
        ahead = self._settings.batch_max // _DECODE_AT_ONCE + 1
        decoded: asyncio.Queue[Batch] = asyncio.Queue(maxsize=ahead)
        async with StreamTail(
            self._bus,
            start=mark + 1,
            batch=min(self._settings.read_ahead, 1024),
            buffer=self._settings.read_ahead,
            name="recorder",
        ) as tail:
            decoder = asyncio.create_task(_decode_ahead(tail, decoded), name="recorder-decoder")
            try:
                while True:
                    first = await _unless(decoded.get(), stop, lost)
                    mark = await self._write(await self._gather(first, decoded), mark, stop, lost)
            finally:
                decoder.cancel()
                with contextlib.suppress(asyncio.CancelledError):
                    await decoder

    async def _gather(self, first: Batch, decoded: asyncio.Queue[Batch]) -> Batch:
        """`first` and what is decoded behind it, up to `batch_max` events, waiting up to
        `linger_s` for more: a stage makes its outputs a few milliseconds apart, and a
        transaction per event would cost the database and this process several times the CPU
        of one per burst, CPU the stages making the next preview are waiting for. A reader
        never waits for it: what is above the mark is read from the stream."""
        parts = [first]
        size = len(first.records)
        loop = asyncio.get_running_loop()
        deadline = loop.time() + self._settings.linger_s
        while size < self._settings.batch_max:
            if decoded.empty():
                left = deadline - loop.time()
                if left <= 0:
                    break
                try:
                    parts.append(await asyncio.wait_for(decoded.get(), left))
                except TimeoutError:
                    break
            else:
                parts.append(decoded.get_nowait())
            size += len(parts[-1].records)
        return Batch.join(parts)

    async def _write(
        self, batch: Batch, mark: int, stop: asyncio.Event, lost: asyncio.Event
    ) -> int:
        """Write one batch, retrying for as long as it takes (a database outage delays the log,
        never loses or reorders it); returns the new mark."""
        delay = 0.0
        while True:
            started = time.perf_counter()
            try:
                inserted = await self._store.append_tracked(
                    batch.records,
                    expected=mark,
                    position=batch.last,
                    unreadable=batch.unreadable,
                    raw=batch.raw,
                )
            except CheckpointMoved:
                raise
            except Exception as error:
                if lost.is_set():
                    raise NotLeading from error
                delay = min(max(delay * 2, 0.05), self._settings.retry_max_s)
                log.warning(
                    "writing positions %d-%d failed (%r); again in %.2fs",
                    mark + 1,
                    batch.last,
                    error,
                    delay,
                )
                # A stop waits for nothing here: the next leader reads this batch again.
                await _unless(asyncio.sleep(delay), stop, lost)
                continue
            break
        metrics.RECORDER_WRITE_SECONDS.observe(time.perf_counter() - started)
        metrics.RECORDER_EVENTS.labels("stored").inc(len(inserted))
        metrics.RECORDER_EVENTS.labels("duplicate").inc(len(batch.records) - len(inserted))
        metrics.RECORDER_EVENTS.labels("unreadable").inc(len(batch.unreadable))
        metrics.RECORDER_HIGH_WATER.set(batch.last)
        try:
            await self._milestones.observe(inserted)
        except Exception as error:
            log.warning("could not observe time to preview: %r", error)
        return batch.last


async def _decode_ahead(tail: StreamTail, decoded: asyncio.Queue[Batch]) -> None:
    while True:
        await decoded.put(sort_batch(await tail.next_batch(_DECODE_AT_ONCE)))


async def _unless(work: Awaitable[T], stop: asyncio.Event, lost: asyncio.Event) -> T:
    """`work`, unless the recorder stops or loses the lead first (then `NotLeading`)."""
    task = asyncio.ensure_future(work)
    ended = [asyncio.ensure_future(stop.wait()), asyncio.ensure_future(lost.wait())]
    try:
        await asyncio.wait({task, *ended}, return_when=asyncio.FIRST_COMPLETED)
    finally:
        for waiter in ended:
            waiter.cancel()
    if task.done():
        return task.result()
    task.cancel()
    with contextlib.suppress(asyncio.CancelledError):
        await task
    raise NotLeading
