"""REST: resume a stuck or failed project where it stopped (docs/replay.md)."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter
from pydantic import BaseModel, Field

from appgen.events import Stage
from appgen.gateway.access import OwnedProjectId
from appgen.gateway.auth import CallerDep
from appgen.gateway.deps import ResourcesDep
from appgen.gateway.problems import Problem
from appgen.gateway.urls import API
from appgen.gateway.usecases.resume import resume_project

router = APIRouter(prefix=API, tags=["replay"])


class Resumed(BaseModel):
    project_id: str
    event_id: str
    position: int = Field(description="Where the ProjectResumed event stands in the log.")
    redo: list[Stage] = Field(description="The stages that take up their input again.")
    resume_stage: Stage


RESPONSES: dict[int | str, dict[str, Any]] = {
    404: {"model": Problem, "description": "No such project."},
    409: {"model": Problem, "description": "The project is complete: nothing to resume."},
    429: {
        "model": Problem,
        "description": "A generation limit of the key says no (a resume "
        "runs the remaining stages, so it counts as a start).",
    },
}


@router.post(
    "/projects/{project_id}/resume", status_code=202, response_model=Resumed, responses=RESPONSES
)
async def resume(project_id: OwnedProjectId, res: ResourcesDep, caller: CallerDep) -> Resumed:
    """Continue a failed or stuck project: the stages still to do are derived from its events,
    each takes up its last input again, and work already in the log is not repeated."""
    resumed = await resume_project(res, caller, project_id)
    event = resumed.event
    return Resumed(
        project_id=project_id,
        event_id=str(event.event_id),
        position=resumed.position,
        redo=list(event.redo),
        resume_stage=event.resume_stage,
    )
