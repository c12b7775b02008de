"""Group commit: concurrent callers' events share one transaction, and each learns when it is durable."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable, Sequence

from appgen.events import Event

log = logging.getLogger(__name__)

Append = Callable[[Sequence[tuple[int, Event]]], Awaitable[int]]


class GroupCommitWriter:
    """Collects `(position, event)` records from many tasks into batches written by one `append`.

    `write` returns only after the batch holding its record has committed, or raises what the
    append raised, so the caller acks exactly what is stored. One batch is in flight at a time:
    while it commits, the next one fills up, which is what keeps batches large under load.
    """

    def __init__(self, append: Append, *, max_batch: int = 512, max_wait_s: float = 0.002) -> None:
        self._append = append
        self._max_batch = max_batch
        self._max_wait_s = max_wait_s
        self._pending: list[tuple[tuple[int, Event], asyncio.Future[None]]] = []
        self._wakeup = asyncio.Event()
        self._task: asyncio.Task[None] | None = None
        self.batches = 0
        self.written = 0

    async def write(self, position: int, event: Event) -> None:
        """Store one event at `position`; returns once it is committed."""
        if self._task is None or self._task.done():
            self._task = asyncio.create_task(self._run(), name="recorder-writer")
        done: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        self._pending.append(((position, event), done))
        self._wakeup.set()
        await done

    async def close(self) -> None:
        if self._task is not None:
            self._task.cancel()
            await asyncio.gather(self._task, return_exceptions=True)
        for _, done in self._pending:
            if not done.done():
                done.set_exception(ConnectionAbortedError("the writer closed"))
        self._pending.clear()

    async def _run(self) -> None:
        while True:
            await self._wakeup.wait()
            # Give concurrent handlers a moment to join, unless the batch is already full.
            if len(self._pending) < self._max_batch and self._max_wait_s > 0:
                await asyncio.sleep(self._max_wait_s)
            batch = self._pending[: self._max_batch]
            del self._pending[: self._max_batch]
            if not self._pending:
                self._wakeup.clear()
            if batch:
                await self._commit(batch)

    async def _commit(self, batch: list[tuple[tuple[int, Event], asyncio.Future[None]]]) -> None:
        try:
            await self._append([record for record, _ in batch])
        except Exception as error:
            # Every caller naks and is redelivered; the store's unique key makes the retry safe.
            log.warning("writing %d events failed: %s", len(batch), error)
            for _, done in batch:
                if not done.done():
                    done.set_exception(error)
            return
        self.batches += 1
        self.written += len(batch)
        for _, done in batch:
            if not done.done():
                done.set_result(None)
