"""REST: change an app by talking to it, restore an earlier version, read the spec at a position.

Every edit and every restore is a new version; history is never rewritten (docs/edits.md).
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

from fastapi import APIRouter, Header, Query, Request, Response
from pydantic import BaseModel, ConfigDict, Field

from appgen.events import edit_queue
from appgen.gateway.access import OwnedProjectId
from appgen.gateway.auth import CallerDep
from appgen.gateway.bodies import EditPrompt
from appgen.gateway.deps import MAX_POSITION, ResourcesDep
from appgen.gateway.problems import Problem, ProblemError
from appgen.gateway.urls import API, links
from appgen.gateway.usecases.edit import EditAccepted, request_edit, request_revert
from appgen.spec import AppSpec

router = APIRouter(prefix=API, tags=["edits"])

IdempotencyKey = Annotated[
    str | None,
    Header(
        alias="Idempotency-Key",
        min_length=1,
        max_length=200,
        description="Retries with the same key return the same edit and never ask twice.",
    ),
]
ExpectedVersion = Field(
    default=None,
    ge=1,
    description="The version you were looking at: if the app has moved on (or an edit is "
    "already waiting), the request is refused with 409 instead of queued behind it.",
)


class EditRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")

    prompt: EditPrompt
    expected_version: int | None = ExpectedVersion


class RevertRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")

    version: int = Field(ge=1, description="The version to make again, as a new version.")
    expected_version: int | None = ExpectedVersion


class EditReceipt(BaseModel):
    project_id: str
    edit_id: str
    version: int = Field(
        description="The version this edit makes once applied (if an edit queued before it is "
        "rejected, it takes that one's number; EditApplied says which)."
    )
    position: int = Field(description="Where the request stands in the project's log.")
    status: Literal["queued"] = "queued"
    created: bool = Field(description="False for a retry with the same Idempotency-Key.")
    status_url: str
    websocket_url: str


class SpecView(BaseModel):
    project_id: str
    version: int
    position: int = Field(description="The position the spec is as of.")
    spec: AppSpec


RESPONSES: dict[int | str, dict[str, Any]] = {
    200: {"model": EditReceipt, "description": "A retry with the same Idempotency-Key."},
    404: {"model": Problem, "description": "No such project."},
    409: {
        "model": Problem,
        "description": "The project failed (resume it first), the app is past "
        "`expected_version`, or the Idempotency-Key names another edit.",
    },
    422: {"model": Problem, "description": "An empty or overlong prompt, or no such version."},
    503: {"model": Problem, "description": "Too many edits of the project at one moment."},
}


def _receipt(
    request: Request, res: ResourcesDep, response: Response, project_id: str, edit: EditAccepted
) -> EditReceipt:
    if not edit.created:
        response.status_code = 200
    urls = links(request, res.settings, project_id)
    return EditReceipt(
        project_id=project_id,
        edit_id=edit.edit_id,
        version=edit.version,
        position=edit.position,
        created=edit.created,
        status_url=urls.status_url,
        websocket_url=urls.websocket_url,
    )


@router.post(
    "/projects/{project_id}/edits",
    status_code=202,
    response_model=EditReceipt,
    responses=RESPONSES,
)
async def edit_project(
    project_id: OwnedProjectId,
    body: EditRequest,
    request: Request,
    response: Response,
    res: ResourcesDep,
    caller: CallerDep,
    idempotency_key: IdempotencyKey = None,
) -> EditReceipt:
    """Change the app with a follow-up prompt ("add a due date to tasks", "make it dark"). The
    edit waits while the generation or an earlier edit runs, then lands as the next version;
    follow it on the project's WebSocket (edit_applied or edit_rejected)."""
    edit = await request_edit(
        res,
        caller,
        project_id,
        body.prompt,
        expected_version=body.expected_version,
        idempotency_key=idempotency_key,
    )
    return _receipt(request, res, response, project_id, edit)


@router.post(
    "/projects/{project_id}/revert",
    status_code=202,
    response_model=EditReceipt,
    responses=RESPONSES,
)
async def revert_project(
    project_id: OwnedProjectId,
    body: RevertRequest,
    request: Request,
    response: Response,
    res: ResourcesDep,
    caller: CallerDep,
    idempotency_key: IdempotencyKey = None,
) -> EditReceipt:
    """Make a new version equal to an earlier one (an undo that can itself be undone)."""
    edit = await request_revert(
        res,
        caller,
        project_id,
        body.version,
        expected_version=body.expected_version,
        idempotency_key=idempotency_key,
    )
    return _receipt(request, res, response, project_id, edit)


@router.get(
    "/projects/{project_id}/spec",
    response_model=SpecView,
    responses={404: {"model": Problem, "description": "No such project, or no spec there yet."}},
)
async def project_spec(
    project_id: OwnedProjectId,
    res: ResourcesDep,
    at: Annotated[
        int | None,
        Query(ge=0, le=MAX_POSITION, description="The spec as of this position (the newest)."),
    ] = None,
) -> SpecView:
    """The app's spec as it stood at a position: the newest applied version's (or, while the
    first generation runs, the analysis's with the screens written so far)."""
    records = await res.log.everything(project_id, until=at)
    if not records:
        raise ProblemError(404, f"No project {project_id} at position {at}.")
    queue = edit_queue(records)
    if queue.spec is None:
        raise ProblemError(
            404, f"Project {project_id} has no spec yet at position {records[-1][0]}."
        )
    return SpecView(
        project_id=project_id, version=queue.version, position=records[-1][0], spec=queue.spec
    )
