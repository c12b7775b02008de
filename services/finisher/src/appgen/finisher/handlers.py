"""Finisher: where the screens and the images branches join, the project completes.

Both branches' last events are consumed here. Whichever is handled second sees the other in
the stream (publishing is acknowledged only once stored), so at least one handler emits
ProjectCompleted; if both do, the id depends on the project alone and the duplicate is dropped.
"""

from __future__ import annotations

from collections.abc import AsyncIterator

from appgen.events import (
    Event,
    EventBus,
    HandlerContext,
    ProjectCompleted,
    ProjectFailed,
    ProjectResumed,
    Worker,
)
from appgen.events.catalog.pipeline import FINISHER, JOIN
from appgen.events.transport.process import WorkerFactory
from appgen.finisher.edits import schedule_edits
from appgen.finisher.settings import Settings


async def failed_since_resumed(bus: EventBus, project_id: str) -> bool:
    """Whether the project's last failure is not followed by a resume (a resumed one may finish)."""
    failed = await bus.log.latest(project_id, ProjectFailed)
    if failed is None:
        return False
    resumed = await bus.log.latest(project_id, ProjectResumed)
    return resumed is None or resumed[0] < failed[0]


def finisher_worker(bus: EventBus) -> Worker:
    worker = Worker(FINISHER)

    async def join(event: Event, ctx: HandlerContext) -> AsyncIterator[Event]:
        project = event.project_id
        others = [t for t in JOIN if not isinstance(event, t)]
        for branch in others:
            if await bus.log.latest(project, branch) is None:
                return
        if await failed_since_resumed(bus, project):
            return
        yield ctx.emit(ProjectCompleted)

    for branch in JOIN:
        worker.on(branch)(join)
    schedule_edits(worker, bus)
    return worker


def build_worker(settings: Settings) -> WorkerFactory:
    """The finisher's worker as `run_service` builds it (it reads the log through the bus)."""

    async def build(bus: EventBus) -> Worker:
        return finisher_worker(bus)

    return build
