"""Stages of the tests' own: a declaration (`catalog.pipeline`) for a worker a test writes."""

from __future__ import annotations

from appgen.events import AnalysisStarted, Event, HandlerContext, Stage, Worker
from appgen.events.catalog.declaration import StageDeclaration, Step, once
from appgen.events.catalog.output_ids import output_id
from appgen.events.catalog.pipeline import BY_SERVICE, GIVING_UP


def stage(
    name: str,
    *inputs: type[Event],
    makes: tuple[type[Event], ...] = (AnalysisStarted,),
    at: Stage = Stage.analyzing,
) -> StageDeclaration:
    """A stage named `name` that takes `inputs` and makes at most one of each of `makes`."""
    return StageDeclaration(name, at, steps=(Step(inputs, tuple(once(t) for t in makes)),))


async def _nothing() -> None:
    return None


def context(cause: Event, service: str, *, position: int = 0) -> HandlerContext:
    """What the real `service` stage's handler of `cause` gets on a first attempt, its give-up
    outputs included (as the consumer loop would publish them)."""
    step = Worker(BY_SERVICE[service]).declaration.step_for(type(cause))
    outputs = (*(step.outputs if step else ()), *GIVING_UP.outputs)
    return HandlerContext(
        cause, service=service, outputs=outputs, attempt=1, position=position, heartbeat=_nothing
    )


def undeclared(history: list[Event]) -> list[str]:
    """The events in `history` a stage made that its declaration does not account for: an
    output its step for the cause does not declare, or an id its declared key does not give.
    Empty when every handler emitted only its declared outputs with their keyed ids."""
    by_id = {event.event_id: event for event in history}
    wrong: list[str] = []
    for event in history:
        service = event.metadata.service
        declaration = BY_SERVICE.get(service)
        if declaration is None:
            continue
        cause_id = event.metadata.causation_id
        cause = by_id.get(cause_id) if cause_id is not None else None
        step = declaration.step_for(type(cause)) if cause is not None else None
        allowed = (*(step.outputs if step else ()), *GIVING_UP.outputs)
        if not any(
            output.type is type(event)
            and output_id(output, event, service, cause_id) == event.event_id
            for output in allowed
        ):
            made_of = cause.type if cause is not None else "an unknown cause"
            wrong.append(f"{service} made {event.type} of {made_of} ({event.event_id})")
    return wrong
