"""REST: figures over a time window, from the event store (docs/replay.md)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Annotated

from fastapi import APIRouter, Query

from appgen.gateway.auth import CallerDep
from appgen.gateway.deps import ResourcesDep
from appgen.gateway.problems import Problem, ProblemError
from appgen.gateway.urls import API
from appgen.store.stats import WindowStats

router = APIRouter(prefix=API, tags=["replay"])
DEFAULT_WINDOW = timedelta(hours=24)


@router.get(
    "/stats",
    response_model=WindowStats,
    responses={422: {"model": Problem, "description": "A malformed or empty window."}},
)
async def stats(
    res: ResourcesDep,
    caller: CallerDep,
    since: Annotated[
        datetime | None,
        Query(description="Window start, ISO 8601 (default: 24 hours before `until`)."),
    ] = None,
    until: Annotated[
        datetime | None, Query(description="Window end, ISO 8601, exclusive (default: now).")
    ] = None,
) -> WindowStats:
    """p50/p95 time to preview and to completion, completion and failure rates, mean cost per
    project and events per second, for the caller's projects requested in the window (every
    project when authentication is off)."""
    end = _aware(until) if until is not None else datetime.now(UTC)
    start = _aware(since) if since is not None else end - DEFAULT_WINDOW
    if end <= start:
        raise ProblemError(422, "`until` must be later than `since`.")
    return await res.store.stats(start, end, owner=caller.key_id)


def _aware(moment: datetime) -> datetime:
    # A time without an offset is taken as UTC, as the store's timestamps are.
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)
