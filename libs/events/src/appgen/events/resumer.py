"""How every stage takes part in a resume: the consumer loop's built-in ProjectResumed handler.

A stage named in `ProjectResumed.redo` reads its last input from the project's stream and runs
its own handler on it again, with that input as the cause. Output ids derive from the cause, so
they are exactly the ids the first run used: outputs the log already holds are skipped here (even
past JetStream's duplicate window), and only what is missing is published. A stage not named
does nothing. A failure while resuming is reported against the ProjectResumed delivery, so its
StageFailed/ProjectFailed ids are new and a second failure is as visible as the first.
"""

from __future__ import annotations

from collections.abc import AsyncIterator

from appgen.events.bus import EventBus
from appgen.events.catalog import ProjectResumed
from appgen.events.context import HandlerContext
from appgen.events.envelope import Event
from appgen.events.errors import PermanentError
from appgen.events.worker import Handler, Worker


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
