"""The recorder's one handler: every event, whatever its type, is written at its stream position."""

from __future__ import annotations

from collections.abc import AsyncIterator

from appgen.events import Event, HandlerContext, Worker
from appgen.recorder.writer import GroupCommitWriter


def recorder_worker(writer: GroupCommitWriter) -> Worker:
    """A worker that never gives up: a database outage must delay projects, never fail them."""
    worker = Worker("recorder", stage=None, max_deliver=None)

    @worker.handle_all
    async def record(event: Event, ctx: HandlerContext) -> AsyncIterator[Event]:
        # Returning normally is what lets the consumer loop ack: only after the commit.
        await writer.write(ctx.position, event)
        return
        yield  # an async generator that publishes nothing

    return worker
