"""Resuming a project: which stages must take up their input again, derived from the events alone.

The pipeline's facts say how far each branch got (docs/architecture.md):

    ProjectRequested ─analyzer→ AnalysisCompleted ─scaffolder→ PreviewReady ─screens→ ScreensCompleted ─┐
                                        └──────────images→ ImagesCompleted ──────────────────finisher→ ProjectCompleted

A stage is redone when its input is there and its own closing fact is not. Only the frontier is
named: what follows a redone stage happens by the normal flow of events.

How a stage takes part: how every stage takes part in a resume: the consumer loop's built-in ProjectResumed handler.

A stage named in `ProjectResumed.redo` reads its last input from the project's stream and runs
its own handler on it again, with that input as the cause. Output ids derive from the cause, so
they are exactly the ids the first run used: outputs the log already holds are skipped here (even
past JetStream's duplicate window), and only what is missing is published. A stage not named
does nothing. A failure while resuming is reported against the ProjectResumed delivery, so its
StageFailed/ProjectFailed ids are new and a second failure is as visible as the first.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterable
from dataclasses import dataclass

from appgen.events.catalog.envelope import Event
from appgen.events.catalog.events import (
    AnalysisCompleted,
    ImagesCompleted,
    PreviewReady,
    ProjectCompleted,
    ProjectFailed,
    ProjectRequested,
    ProjectResumed,
    ProjectResumed,
    ScreensCompleted,
    StageFailed,
)
from appgen.events.catalog.stages import Stage
from appgen.events.read.projection import Headline
from appgen.events.transport.bus import EventBus
from appgen.events.transport.context import HandlerContext
from appgen.events.transport.errors import PermanentError
from appgen.events.transport.worker import Handler, Worker


class NothingToResume(ValueError):
    """The project is complete, or has not even been requested: there is no work to take up."""


@dataclass(frozen=True)
class ResumePlan:
    redo: tuple[Stage, ...]
    resume_stage: Stage


def resume_plan(events: Iterable[Event]) -> ResumePlan:
    """The stages to redo for a project with these events (any order), and where it stands."""
    seen: set[type[Event]] = set()
    headline = Headline()
    for event in events:
        seen.add(type(event))
        if not isinstance(event, StageFailed | ProjectFailed):
            headline = headline.step(event)
    if ProjectCompleted in seen:
        raise NothingToResume("the project is complete")
    if ProjectRequested not in seen:
        raise NothingToResume("the project has no request in its history")
    redo: list[Stage] = []
    if AnalysisCompleted not in seen:
        redo.append(Stage.analyzing)
    else:
        if PreviewReady not in seen:
            redo.append(Stage.creating_project)
        elif ScreensCompleted not in seen:
            redo.append(Stage.adding_screens)
        if ImagesCompleted not in seen:
            redo.append(Stage.generating_images)
        if not redo:
            redo.append(Stage.finalizing)
    return ResumePlan(tuple(redo), headline.current_stage)


def resume_handler(worker: Worker, bus: EventBus) -> Handler[ProjectResumed]:
    async def resume(event: ProjectResumed, ctx: HandlerContext) -> AsyncIterator[Event]:
        if worker.stage is None or worker.stage not in event.redo:
            return
        history = await bus.log.everything(event.project_id)
        inputs = [
            (position, item)
            for position, item in history
            if type(item) in worker.consumes and not isinstance(item, ProjectResumed)
        ]
        if not inputs:
            names = ", ".join(t.__name__ for t in worker.consumes)
            raise PermanentError(f"{worker.name} cannot resume: no {names} in the project's log")
        position, cause = inputs[-1]
        handler = worker.handler_for(cause)
        if handler is None:  # pragma: no cover - `consumes` lists exactly the handled types
            return
        existing = {item.event_id: item for _, item in history}
        context = HandlerContext(
            cause,
            service=worker.name,
            attempt=ctx.attempt,
            position=position,
            heartbeat=ctx.in_progress,
            trace_id=ctx.trace_id,
            logged=existing,
        )
        async for output in handler(cause, context):
            if output.event_id not in existing:
                yield output

    return resume
