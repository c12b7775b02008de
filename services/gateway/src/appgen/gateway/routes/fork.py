"""REST: fork a project at a position into a new project that continues from there."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Query, Response
from pydantic import BaseModel, ConfigDict, Field

from appgen.events import Event, ProjectForked, ProjectId, ProjectRequested, new_project_id
from appgen.events.read.fork import fork_events
from appgen.events.read.resume import NothingToResume
from appgen.events.transport.trace import project_trace_id
from appgen.gateway.access import OwnedProjectId
from appgen.gateway.auth import Caller, CallerDep
from appgen.gateway.bodies import Prompt
from appgen.gateway.deps import MAX_POSITION, ResourcesDep
from appgen.gateway.generations import admitted, request_start_id
from appgen.gateway.problems import Problem, ProblemError
from appgen.gateway.queries import events_up_to
from appgen.gateway.resources import Resources
from appgen.gateway.submit import claim
from appgen.gateway.urls import API

router = APIRouter(prefix=API, tags=["replay"])


class ForkRequest(BaseModel):
    """How the fork differs from its source; every field is optional."""

    model_config = ConfigDict(extra="forbid")

    prompt: Prompt | None = Field(
        default=None,
        description="A new prompt for the fork's request. It shapes what the fork still has to "
        "do: fork at the request's own position to analyse the new prompt from scratch.",
    )
    model: str | None = Field(
        default=None,
        min_length=1,
        max_length=200,
        description="A language model for the stages that still run (recorded on ProjectForked).",
    )
    project_id: ProjectId | None = Field(
        default=None, description="The fork's id; the same id never forks twice."
    )


class Forked(BaseModel):
    project_id: str
    source_project_id: str
    source_position: int = Field(description="The last source position the fork copied.")
    copied: int = Field(description="How many of the source's events the fork's history holds.")
    created: bool = Field(description="False when a project with this id existed already.")


RESPONSES: dict[int | str, dict[str, Any]] = {
    200: {"model": Forked, "description": "The fork existed already (a retry)."},
    404: {"model": Problem, "description": "No such project."},
    409: {"model": Problem, "description": "The fork's id names another project."},
    422: {
        "model": Problem,
        "description": "Nothing of the project lies at or before `at`, or a model not offered.",
    },
    429: {"model": Problem, "description": "A generation limit of the key says no."},
}


@router.post(
    "/projects/{project_id}/fork", status_code=202, response_model=Forked, responses=RESPONSES
)
async def fork(
    project_id: OwnedProjectId,
    res: ResourcesDep,
    caller: CallerDep,
    response: Response,
    body: ForkRequest | None = None,
    at: Annotated[
        int | None,
        Query(ge=0, le=MAX_POSITION, description="Fork as of this position (default: the newest)."),
    ] = None,
) -> Forked:
    """Start a new project whose history is this one's up to `at`, then let it continue,
    optionally with another prompt or model. The fork records where it came from and belongs
    to the key that made it."""
    body = body or ForkRequest()
    _check_model(res, body.model)
    new_id = body.project_id or new_project_id()
    if new_id == project_id:
        raise ProblemError(409, "A fork needs an id of its own.")
    source = await _source(res, project_id, at)
    position = source[-1][0]
    existing = await res.log.first(new_id)
    if existing is not None:
        _same_fork(existing, source, caller, new_id)
    try:
        events = fork_events(
            source,
            new_id,
            source_project_id=project_id,
            source_position=position,
            prompt=body.prompt,
            model=body.model,
            owner=caller.key_id,
            trace_id=project_trace_id(new_id),
        )
    except NothingToResume as error:
        raise ProblemError(422, f"Cannot fork {project_id} at {position}: {error}.") from None
    # In order, each acknowledged before the next: the fork's log has the source's order. The
    # first copy (the fork's request) claims the id: it is published only onto an empty subject,
    # and only the fork that wrote it publishes the rest, so two forks racing for one id never
    # mix their copies (which may share derived ids).
    created = False
    if existing is None:
        # A fork is a new project that runs its remaining stages: it counts as a start.
        async with admitted(res, caller, new_id, request_start_id(new_id)):
            created = await claim(res.bus, events[0])
            if created:
                await res.bus.publish_all(events[1:])
        if not created:
            # Judged outside the block: a lost claim leaves the winner's start counted.
            existing = await res.log.first(new_id)
            if existing is None:
                raise ProblemError(503, f"Project {new_id} is being created; try again.")
            _same_fork(existing, source, caller, new_id)
    if not created:
        response.status_code = 200
        # A retry finishes a fork that was cut short; what it already published has the same
        # ids, which JetStream and the store drop.
        if await res.log.latest(new_id, ProjectForked) is None:
            async with admitted(res, caller, new_id, request_start_id(new_id)):
                await res.bus.publish_all(events[1:])
    return Forked(
        project_id=new_id,
        source_project_id=project_id,
        source_position=position,
        copied=len(source),
        created=created,
    )


def _same_fork(
    first: tuple[int, Event], source: list[tuple[int, Event]], caller: Caller, new_id: str
) -> None:
    """A project under the fork's id is this fork (a retry: the same key's copy of the same
    source's request), or the id is taken: 409."""
    event = first[1]
    mine = isinstance(event, ProjectRequested) and event.owner == caller.key_id
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


async def _source(res: Resources, project_id: str, at: int | None) -> list[tuple[int, Event]]:
    try:
        source = await events_up_to(res, project_id, at=at)
    except ProblemError:
        raise ProblemError(
            422, f"Project {project_id} has no events at or before position {at}."
        ) from None
    if not isinstance(source[0][1], ProjectRequested):
        raise ProblemError(422, f"Project {project_id} does not start with its request.")
    return source
