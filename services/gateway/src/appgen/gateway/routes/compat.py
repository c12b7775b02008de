"""The earlier generator's API, kept so its clients keep working: POST /generate, GET /status,
POST /api/v1/generate-stream and GET /api/v1/stream-status (docs/protocol.md)."""

from __future__ import annotations

import uuid

from fastapi import APIRouter, Request

from appgen.events import new_project_id
from appgen.events.read.projection import ProjectState
from appgen.gateway import queries
from appgen.gateway.access import OwnedProjectId
from appgen.gateway.auth import CallerDep
from appgen.gateway.bodies import (
    LegacyAccepted,
    LegacyGenerate,
    LegacyStatus,
    StreamAccepted,
    StreamGenerate,
    StreamStatus,
)
from appgen.gateway.deps import ResourcesDep, SocketsDep
from appgen.gateway.problems import Problem
from appgen.gateway.urls import links, live_preview_path, origin
from appgen.gateway.usecases.create import start_project

router = APIRouter(tags=["compatibility"])


@router.post("/generate", status_code=202, response_model=LegacyAccepted)
async def generate(
    body: LegacyGenerate, request: Request, res: ResourcesDep, caller: CallerDep
) -> LegacyAccepted:
    """Start a generation (the earlier generator's request); same as POST /api/v1/projects."""
    project_id = new_project_id()
    await start_project(res, caller, project_id, body.prompt, fresh=True)
    urls = links(request, res.settings, project_id)
    return LegacyAccepted(
        project_id=project_id,
        status="queued",
        websocket_url=urls.websocket_url,
        status_url=f"{origin(request, res.settings)}/status/{project_id}",
        preview_url=urls.preview_url,
    )


def _message(state: ProjectState) -> str | None:
    if state.status == "failed":
        return state.failure_reason
    return state.stage.value.replace("_", " ").capitalize()


@router.get(
    "/status/{project_id}",
    response_model=LegacyStatus,
    responses={404: {"model": Problem, "description": "No such project."}},
)
async def status(project_id: OwnedProjectId, request: Request, res: ResourcesDep) -> LegacyStatus:
    """A project's status in the earlier generator's shape."""
    state = await queries.project_state(res, project_id)
    base = origin(request, res.settings)
    link = live_preview_path(request, state)
    return LegacyStatus(
        project_id=project_id,
        status=state.status,
        stage=state.stage.value,
        progress=state.progress,
        message=_message(state),
        preview_url=f"{base}{link}" if link is not None else None,
        screens_added=len(state.screens),
        error=state.failure_reason,
    )


@router.post("/api/v1/generate-stream", response_model=StreamAccepted)
async def generate_stream(
    body: StreamGenerate, request: Request, res: ResourcesDep, caller: CallerDep
) -> StreamAccepted:
    """Start a generation and say where to follow it (the earlier generator's streaming request).

    The generation starts at once; a `start` with the same prompt on the socket then starts
    nothing more. `user_id`, `template_id` and `fast_mode` are accepted and ignored."""
    # The earlier generator's ids were hyphenated UUIDs, and its clients may expect that form.
    project_id = str(uuid.uuid4())
    await start_project(res, caller, project_id, body.prompt, fresh=True)
    return StreamAccepted(
        project_id=project_id,
        websocket_url=links(request, res.settings, project_id).websocket_url,
        message="Generation started; connect to the WebSocket for real-time updates.",
    )


@router.get(
    "/api/v1/stream-status/{project_id}",
    response_model=StreamStatus,
    responses={404: {"model": Problem, "description": "No such project."}},
)
async def stream_status(project_id: OwnedProjectId, sockets: SocketsDep) -> StreamStatus:
    """How many WebSockets follow the project on this gateway process."""
    count = sockets.count(project_id)
    return StreamStatus(
        project_id=project_id,
        active_connections=count,
        status="active" if count else "inactive",
    )
