"""REST: start a project, list projects, read one project's state and its event history."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from fastapi import APIRouter, Header, Query, Request, Response

from appgen.gateway import queries
from appgen.gateway.deps import MAX_POSITION, ProjectIdPath, RuntimeDep
from appgen.gateway.messages import FeedItem
from appgen.gateway.models import (
    CreateProject,
    EventMessage,
    EventPage,
    ProjectAccepted,
    ProjectPage,
    ProjectView,
)
from appgen.gateway.problems import Problem
from appgen.gateway.submit import choose_project_id, submit
from appgen.gateway.urls import links, origin

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
    },
)
async def create_project(
    body: CreateProject,
    request: Request,
    response: Response,
    rt: RuntimeDep,
    idempotency_key: IdempotencyKey = None,
) -> ProjectAccepted:
    """Start generating an app from a prompt; follow it at the returned URLs."""
    project_id = choose_project_id(body.project_id, idempotency_key)
    result = await submit(rt.bus, rt.store, rt.reader, project_id=project_id, prompt=body.prompt)
    status: Literal["queued", "running", "complete", "failed"] = "queued"
    if not result.created:
        response.status_code = 200
        status = (await queries.project_state(rt, project_id)).status
    return ProjectAccepted(
        project_id=project_id,
        created=result.created,
        status=status,
        **links(request, rt.settings, project_id).model_dump(),
    )


@router.get("/projects", response_model=ProjectPage)
async def list_projects(
    rt: RuntimeDep,
    limit: Annotated[int, Query(ge=1, le=200)] = 50,
    offset: Annotated[int, Query(ge=0, le=1_000_000)] = 0,
    status: Literal["running", "complete", "failed"] | None = None,
) -> ProjectPage:
    """Projects, newest first."""
    items, total = await rt.store.list_projects(limit=limit, offset=offset, status=status)
    return ProjectPage(items=items, total=total, limit=limit, offset=offset)


@router.get("/projects/{project_id}", response_model=ProjectView, responses=NOT_FOUND)
async def get_project(
    project_id: ProjectIdPath,
    request: Request,
    rt: RuntimeDep,
    at: Annotated[
        int | None, Query(ge=0, le=MAX_POSITION, description="The state as of this position.")
    ] = None,
) -> ProjectView:
    """The project's state folded from its events: stage, percent, screens, images, timings."""
    state = await queries.project_state(rt, project_id, at=at)
    base = origin(request, rt.settings)
    return ProjectView(
        **state.model_dump(),
        preview_url=f"{base}{state.preview_path}" if state.preview_path else None,
        links=links(request, rt.settings, project_id),
    )


@router.get("/projects/{project_id}/events", response_model=EventPage, responses=NOT_FOUND)
async def project_events(
    project_id: ProjectIdPath,
    rt: RuntimeDep,
    since: Annotated[
        int, Query(ge=0, le=MAX_POSITION, description="Events after this position.")
    ] = 0,
    limit: Annotated[int, Query(ge=1, le=1000)] = 100,
) -> EventPage:
    """The project's events after `since`, in position order, a page at a time."""
    await queries.require_project(rt, project_id)
    stored = await rt.store.history(project_id, since=since, limit=limit)
    items = [FeedItem(r.position, r.event) for r in stored]
    if len(items) < limit:
        after = items[-1].position if items else since
        tail = await rt.reader.after(project_id, after, limit=limit - len(items))
        items.extend(tail)
    full = len(items) == limit
    return EventPage(
        project_id=project_id,
        items=[EventMessage.model_validate(item.message()) for item in items],
        next_since=items[-1].position if full else None,
    )
