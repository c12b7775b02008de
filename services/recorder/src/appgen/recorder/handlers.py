"""The recorder's one handler: every event, whatever its type, is written at its stream position."""

from __future__ import annotations

from collections.abc import AsyncIterator

from appgen.events import (
    Event,
    EventBus,
    HandlerContext,
    PreviewReady,
    ProjectCompleted,
    ProjectRequested,
    Worker,
    metrics,
)
from appgen.recorder.writer import GroupCommitWriter


def recorder_worker(writer: GroupCommitWriter, bus: EventBus | None = None) -> Worker:
    """A worker that never gives up: a database outage must delay projects, never fail them.

    With `bus`, it also observes time to preview and to completion: every event passes through
    the recorder once (its processes share one durable consumer), so each project is measured
    once, whichever service published the milestone.
    """
    worker = Worker("recorder", stage=None, max_deliver=None)

    @worker.handle_all
    async def record(event: Event, ctx: HandlerContext) -> AsyncIterator[Event]:
        # Returning normally is what lets the consumer loop ack: only after the commit.
        await writer.write(ctx.position, event)
        if bus is not None and ctx.attempt == 1:
            await _observe(bus, event)
        return
        yield  # an async generator that publishes nothing

    return worker


async def _observe(bus: EventBus, event: Event) -> None:
    if not isinstance(event, PreviewReady | ProjectCompleted) or event.metadata.copied_from:
        return
    request = await bus.latest(event.project_id, ProjectRequested)
    if request is None:
        return
    seconds = (event.occurred_at - request.occurred_at).total_seconds()
    histogram = (
        metrics.TIME_TO_PREVIEW if isinstance(event, PreviewReady) else metrics.TIME_TO_COMPLETION
    )
    histogram.observe(max(seconds, 0.0))
