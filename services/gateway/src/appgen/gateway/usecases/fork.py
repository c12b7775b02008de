"""Fork: a new project whose history is the source's up to a position, which then continues,
optionally with another prompt or model. The fork records where it came from and belongs to
the key that made it; its id, once taken, names that one fork for ever.
"""

from __future__ import annotations

from dataclasses import dataclass

from appgen.events import Event, ProjectForked, ProjectRequested, new_project_id
from appgen.events.read.fork import fork_events
from appgen.events.read.log import Record
from appgen.events.read.resume import NothingToResume
from appgen.events.transport.trace import project_trace_id
from appgen.gateway.auth import Caller
from appgen.gateway.problems import ProblemError
from appgen.gateway.queries import events_up_to
from appgen.gateway.resources import Resources
from appgen.gateway.usecases.steps import (
    admitted,
    check_owned,
    claim_project,
    owner,
    request_start_id,
)


@dataclass(frozen=True)
class ForkOrder:
    """How the fork differs from its source (each None: as the source has it)."""

    at: int | None = None
    prompt: str | None = None
    model: str | None = None
    project_id: str | None = None


@dataclass(frozen=True)
class ForkAccepted:
    project_id: str
    source_position: int
    copied: int
    created: bool


async def fork_project(
    res: Resources, caller: Caller, source_id: str, order: ForkOrder
) -> ForkAccepted:
    """Fork the caller's project `source_id` as `order` says; a retry answers with the fork it
    made (finishing one that was cut short), and an id that names another project is a 409."""
    _check_model(res, order.model)
    new_id = order.project_id or new_project_id()
    if new_id == source_id:
        raise ProblemError(409, "A fork needs an id of its own.")
    source = await _source(res, caller, source_id, order.at)
    position = source[-1][0]
    existing = await res.log.first(new_id)
    if existing is not None:
        _same_fork(existing, source, caller, new_id)
    try:
        events = fork_events(
            source,
            new_id,
            source_project_id=source_id,
            source_position=position,
            prompt=order.prompt,
            model=order.model,
            owner=caller.key_id,
            trace_id=project_trace_id(new_id),
        )
    except NothingToResume as error:
        raise ProblemError(422, f"Cannot fork {source_id} at {position}: {error}.") from None
    created = False
    if existing is None:
        # A fork is a new project that runs its remaining stages: it counts as a start.
        existing = await claim_project(res, caller, new_id, events)
        created = existing is None
        if existing is not None:
            _same_fork(existing, source, caller, new_id)
    # A retry finishes a fork that was cut short; what it already published has the same ids,
    # which JetStream and the store drop.
    if not created and await res.log.latest(new_id, ProjectForked) is None:
        async with admitted(res, caller, new_id, request_start_id(new_id)):
            await res.bus.publish_all(events[1:])
    return ForkAccepted(new_id, source_position=position, copied=len(source), created=created)


def _same_fork(first: Record, source: list[Record], caller: Caller, new_id: str) -> None:
    """A project under the fork's id is this fork (a retry: the same key's copy of the same
    source's request), or the id is taken: 409."""
    event = first[1]
    mine = isinstance(event, ProjectRequested) and owner(first) == caller.key_id
    if not mine or event.metadata.copied_from != source[0][1].event_id:
        raise ProblemError(409, f"Project {new_id} exists already; use a new id.")


def _check_model(res: Resources, model: str | None) -> None:
    # Judged only where this process has the model settings (as under `appgen up`); the stages
    # hold to the same rule where it does not (`LLMClient.model`).
    llm = res.settings.llm
    if model is not None and llm.enabled and not llm.offers(model):
        raise ProblemError(
            422,
            f"Model {model!r} is not offered here: name a configured model or one listed in "
            "the price table (APPGEN_LLM_PRICES).",
        )


async def _source(
    res: Resources, caller: Caller, project_id: str, at: int | None
) -> list[tuple[int, Event]]:
    try:
        source = await events_up_to(res, project_id, at=at)
    except ProblemError:
        raise ProblemError(
            422, f"Project {project_id} has no events at or before position {at}."
        ) from None
    check_owned(caller, project_id, source)
    if not isinstance(source[0][1], ProjectRequested):
        raise ProblemError(422, f"Project {project_id} does not start with its request.")
    return source
