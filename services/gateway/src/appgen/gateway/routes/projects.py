"""REST: start a project, list projects, read one project's state and its event history."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from fastapi import APIRouter, Header, Query, Request, Response

from appgen.gateway import queries
from appgen.gateway.access import OwnedProjectId
from appgen.gateway.auth import CallerDep
from appgen.gateway.bodies import (
    CreateProject,
    EventMessage,
    EventPage,
    ProjectAccepted,
    ProjectListItem,
    ProjectPage,
    ProjectView,
)
from appgen.gateway.deps import MAX_POSITION, ResourcesDep
from appgen.gateway.problems import Problem
from appgen.gateway.urls import links, live_preview_path, origin
from appgen.gateway.usecases.create import choose_project_id, start_project
from appgen.store.store import ANYONE

router = APIRouter(prefix="/api/v1", tags=["projects"])

IdempotencyKey = Annotated[
    str | None,
    Header(
        alias="Idempotency-Key",
        min_length=1,
        max_length=200,
        description="Retries with the same key return the same project and never start a second one.",
    ),
]
NOT_FOUND: dict[int | str, dict[str, Any]] = {
    404: {"model": Problem, "description": "No such project."}
}


@router.post(
    "/projects",
    status_code=202,
    response_model=ProjectAccepted,
    responses={
        200: {"model": ProjectAccepted, "description": "The project existed already (a retry)."},
        409: {"model": Problem, "description": "The id or key names a different prompt."},
        429: {"model": Problem, "description": "A generation limit of this key; see `type`."},
    },
)
async def create_project(
    body: CreateProject,
    request: Request,
    response: Response,
    res: ResourcesDep,
    caller: CallerDep,
    idempotency_key: IdempotencyKey = None,
) -> ProjectAccepted:
    """Start generating an app from a prompt; follow it at the returned URLs."""
    project_id = choose_project_id(body.project_id, idempotency_key, caller.key_id)
    fresh = body.project_id is None and idempotency_key is None
    result = await start_project(res, caller, project_id, body.prompt, fresh=fresh)
    status: Literal["queued", "running", "complete", "failed"] = "queued"
    if not result.created:
        response.status_code = 200
        status = (await queries.project_state(res, project_id)).status
    return ProjectAccepted(
        project_id=project_id,
        created=result.created,
        status=status,
        **links(request, res.settings, project_id).model_dump(),
    )


@router.get("/projects", response_model=ProjectPage)
async def list_projects(
    request: Request,
    res: ResourcesDep,
    caller: CallerDep,
    limit: Annotated[int, Query(ge=1, le=200)] = 50,
    offset: Annotated[int, Query(ge=0, le=1_000_000)] = 0,
    status: Literal["running", "complete", "failed"] | None = None,
) -> ProjectPage:
    """The caller's projects, newest first."""
    owner = ANYONE if res.settings.auth == "off" else caller.key_id
    items, total = await res.store.list_projects(
        limit=limit, offset=offset, status=status, owner=owner
    )
    listed = [
        ProjectListItem(**item.model_dump(), preview_path=live_preview_path(request, item))
        for item in items
    ]
    return ProjectPage(items=listed, total=total, limit=limit, offset=offset)


@router.get("/projects/{project_id}", response_model=ProjectView, responses=NOT_FOUND)
async def get_project(
    project_id: OwnedProjectId,
    request: Request,
    res: ResourcesDep,
    at: Annotated[
        int | None, Query(ge=0, le=MAX_POSITION, description="The state as of this position.")
    ] = None,
) -> ProjectView:
    """The project's state folded from its events: stage, percent, screens, images, timings."""
    state = await queries.project_state(res, project_id, at=at)
    link = live_preview_path(request, state)
    return ProjectView(
        **(state.model_dump() | {"preview_path": link}),
        preview_url=f"{origin(request, res.settings)}{link}" if link is not None else None,
        links=links(request, res.settings, project_id),
    )


@router.get("/projects/{project_id}/events", response_model=EventPage, responses=NOT_FOUND)
async def project_events(
    project_id: OwnedProjectId,
    res: ResourcesDep,
    since: Annotated[
        int, Query(ge=0, le=MAX_POSITION, description="Events after this position.")
    ] = 0,
    limit: Annotated[int, Query(ge=1, le=1000)] = 100,
) -> EventPage:
    """The project's events after `since`, in position order, a page at a time."""
    page = await res.log.read(project_id, after=since, limit=limit)
    items = [res.items(position, event) for position, event in page]
    full = len(items) == limit
    return EventPage(
        project_id=project_id,
        items=[EventMessage.model_validate(item.message()) for item in items],
        next_since=items[-1].position if full else None,
    )
