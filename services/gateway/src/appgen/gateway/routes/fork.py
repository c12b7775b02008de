"""REST: fork a project at a position into a new project that continues from there."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Query, Response
from pydantic import BaseModel, ConfigDict, Field

from appgen.events import ProjectId
from appgen.gateway.access import OwnedProjectId
from appgen.gateway.auth import CallerDep
from appgen.gateway.bodies import Prompt
from appgen.gateway.deps import MAX_POSITION, ResourcesDep
from appgen.gateway.problems import Problem
from appgen.gateway.urls import API
from appgen.gateway.usecases.fork import ForkOrder, fork_project

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
    order = ForkOrder(at=at, prompt=body.prompt, model=body.model, project_id=body.project_id)
    made = await fork_project(res, caller, project_id, order)
    if not made.created:
        response.status_code = 200
    return Forked(
        project_id=made.project_id,
        source_project_id=project_id,
        source_position=made.source_position,
        copied=made.copied,
        created=made.created,
    )
