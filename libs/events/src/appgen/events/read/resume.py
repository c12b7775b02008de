"""Resuming a project: which stages must take up their input again, derived from the events
alone and the declared pipeline (`catalog.pipeline`), and how a stage takes part.

A stage is redone when everything it runs after is in the log and its own closing fact is not.
Only the frontier is named: what follows a redone stage happens by the normal flow of events.

Every stage takes part through the consumer loop's built-in ProjectResumed handler: a stage
named in `ProjectResumed.redo` reads its last generation input from the project's log and runs
its own handler on it again, with that input as the cause. Output ids derive from the cause and
the declared keys, so they are exactly the ids the first run used: outputs the log already
holds are skipped here (even past JetStream's duplicate window), and only what is missing is
published. A stage not named does nothing. A failure while resuming is reported against the
ProjectResumed delivery, so its StageFailed/ProjectFailed ids are new and a second failure is as
visible as the first.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterable
from dataclasses import dataclass

from appgen.events.catalog.envelope import Event, EventMetadata
from appgen.events.catalog.events import (
    ProjectCompleted,
    ProjectFailed,
    ProjectRequested,
    ProjectResumed,
    StageFailed,
)
from appgen.events.catalog.ids import project_event_id
from appgen.events.catalog.pipeline import generation_stages
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
    # The declared generation: a stage is redone when everything it runs after is in the log
    # and its own closing fact is not. Only the frontier is named; what follows a redone stage
    # happens by the normal flow of events.
    redo = tuple(
        declaration.stage
        for declaration, generation in generation_stages()
        if all(t in seen for t in generation.after) and generation.done not in seen
    )
    return ResumePlan(redo, headline.current_stage)


def resume_event(
    history: Iterable[Event], *, reason: str, metadata: EventMetadata
) -> ProjectResumed:
    """The next `ProjectResumed` for a project with this history. Its id is fixed by how many
    resumes came before, so two requests that race publish the same id and one is dropped."""
    events = list(history)
    if not events:
        raise NothingToResume("the project has no events")
    resume = resume_plan(events)
    count = sum(isinstance(event, ProjectResumed) for event in events)
    project_id = events[0].project_id
    return ProjectResumed(
        event_id=project_event_id(project_id, f"{ProjectResumed.__name__}:{count + 1}"),
        project_id=project_id,
        redo=resume.redo,
        resume_stage=resume.resume_stage,
        reason=reason,
        metadata=metadata,
    )


def resume_handler(worker: Worker, bus: EventBus) -> Handler[ProjectResumed]:
    async def resume(event: ProjectResumed, ctx: HandlerContext) -> AsyncIterator[Event]:
        if worker.stage not in event.redo:
            return
        generation = worker.declaration.generation
        # What it runs after in a generation (the join: either branch's end), never an edit's
        # input or a wake-up: a resume takes up a generation that stopped.
        takes = generation.after if generation is not None else worker.consumes
        history = await bus.log.everything(event.project_id)
        inputs = [(position, item) for position, item in history if type(item) in takes]
        if not inputs:
            names = ", ".join(t.__name__ for t in takes)
            raise PermanentError(f"{worker.name} cannot resume: no {names} in the project's log")
        position, cause = inputs[-1]
        handler = worker.handler_for(cause)
        if handler is None:  # pragma: no cover - `consumes` lists exactly the handled types
            return
        existing = {item.event_id: item for _, item in history}
        context = worker.context(
            cause,
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
