"""Server-Sent Events: the WebSocket's guarantees for clients that prefer plain HTTP.

Each event's `id` is its position, so a browser's EventSource resumes by itself with
`Last-Event-ID`; other clients pass `since`.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from typing import Annotated

from fastapi import APIRouter, Header, Query
from sse_starlette import EventSourceResponse, ServerSentEvent

from appgen.gateway.access import OwnedProjectId
from appgen.gateway.auth import CallerDep
from appgen.gateway.deps import MAX_POSITION, ResourcesDep
from appgen.gateway.messages import FeedItem
from appgen.gateway.problems import Problem, ProblemError
from appgen.gateway.resources import Resources

router = APIRouter(prefix="/api/v1", tags=["events"])


def resume_position(last_event_id: str | None, since: int) -> int:
    """`Last-Event-ID` (set by a reconnecting EventSource) wins over `since`."""
    if last_event_id is None or last_event_id.strip() == "":
        return since
    value = last_event_id.strip()
    if not value.isascii() or not value.isdigit() or len(value) > 18:
        raise ProblemError(400, "Last-Event-ID must be a position (an integer >= 0).")
    return int(value)


def _message(item: FeedItem) -> str:
    return item.json


async def events(
    res: Resources,
    project_id: str,
    since: int,
    *,
    shape: Callable[[FeedItem], str] = _message,
    key_id: str | None = None,
) -> AsyncIterator[ServerSentEvent]:
    """The stream's messages; it ends (after an `event: close` with the reason) when the hub
    ends it: a slow client, a shutdown, or `key_id` revoked."""
    async with res.feed(project_id, since, key_id=key_id) as feed:
        async for item in feed.items():
            if item is not None:
                yield ServerSentEvent(data=shape(item), id=str(item.position))
        reason = feed.close_reason
        if reason:
            yield ServerSentEvent(data=reason, event="close")


@router.get(
    "/projects/{project_id}/stream",
    response_class=EventSourceResponse,
    responses={
        200: {"content": {"text/event-stream": {}}, "description": "One event per message."},
        400: {"model": Problem, "description": "Malformed Last-Event-ID."},
        404: {"model": Problem, "description": "No such project."},
    },
)
async def stream(
    project_id: OwnedProjectId,
    res: ResourcesDep,
    caller: CallerDep,
    since: Annotated[
        int, Query(ge=0, le=MAX_POSITION, description="Events after this position.")
    ] = 0,
    last_event_id: Annotated[str | None, Header(alias="Last-Event-ID", max_length=40)] = None,
) -> EventSourceResponse:
    """Every event after `since` (or `Last-Event-ID`), then live ones, as Server-Sent Events."""
    position = resume_position(last_event_id, since)
    return EventSourceResponse(
        events(res, project_id, position, key_id=caller.key_id),
        ping=res.settings.heartbeat_s,
        send_timeout=30,
        headers={"Cache-Control": "no-store", "X-Accel-Buffering": "no"},
    )
