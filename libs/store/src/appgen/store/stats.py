"""Figures over a time window, computed in SQL from the event store (`GET /api/v1/stats`).

A project belongs to the window in which it was requested (its first `ProjectRequested`).
- time to preview / to completion: from that request to the project's first `PreviewReady` /
  `ProjectCompleted` that is not a fork's copy (a fork's copied preview took no time of its own);
  p50 and p95 are PostgreSQL's `percentile_cont`: linear interpolation between the two nearest
  samples, as numpy's default percentile;
- completion and failure rates: the share of the window's projects whose summary row is now
  `complete` / `failed` (the same `Headline` rules as the full fold);
- cost and tokens: summed from every event's `metadata.model_calls` of the window's projects;
  mean cost is that sum over the number of projects;
- events per second: events that occurred in the window over the window's length.

With an `owner` (an API key's id) every figure covers only that key's projects, events
included, so a key learns nothing of another's traffic; without one (authentication off, or
the operator's own tools) it covers every project.
"""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel, Field
from sqlalchemy import TextClause, text
from sqlalchemy.ext.asyncio import AsyncEngine

_NOT_COPIED = "(e.data -> 'metadata' ->> 'copied_from') IS NULL"
# The key that requested a project is on its request (forks record the forking key there).
_OWNED = "(CAST(:owner AS text) IS NULL OR data ->> 'owner' = CAST(:owner AS text))"

WINDOW_STATS: TextClause = text(
    f"""
    WITH requested AS (
        SELECT project_id, min(occurred_at) AS requested_at
        FROM events
        WHERE type = 'ProjectRequested' AND {_OWNED}
        GROUP BY project_id
        HAVING min(occurred_at) >= :since AND min(occurred_at) < :until
    ),
    per_project AS (
        SELECT
            r.project_id,
            extract(epoch FROM min(e.occurred_at) FILTER (
                WHERE e.type = 'PreviewReady' AND {_NOT_COPIED}) - r.requested_at) AS to_preview,
            extract(epoch FROM min(e.occurred_at) FILTER (
                WHERE e.type = 'ProjectCompleted' AND {_NOT_COPIED}) - r.requested_at)
                AS to_completion,
            coalesce(sum(calls.cost), 0) AS cost,
            coalesce(sum(calls.input_tokens), 0) AS input_tokens,
            coalesce(sum(calls.output_tokens), 0) AS output_tokens
        FROM requested r
        JOIN events e ON e.project_id = r.project_id
        LEFT JOIN LATERAL (
            SELECT
                sum((c ->> 'cost_usd')::float8) AS cost,
                sum((c ->> 'input_tokens')::bigint) AS input_tokens,
                sum((c ->> 'output_tokens')::bigint) AS output_tokens
            FROM jsonb_array_elements(
                coalesce(e.data -> 'metadata' -> 'model_calls', '[]'::jsonb)) AS c
        ) AS calls ON true
        GROUP BY r.project_id, r.requested_at
    )
    SELECT
        (SELECT count(*) FROM per_project) AS projects,
        (SELECT count(*) FROM per_project pp JOIN projects p USING (project_id)
            WHERE p.status = 'complete') AS completed,
        (SELECT count(*) FROM per_project pp JOIN projects p USING (project_id)
            WHERE p.status = 'failed') AS failed,
        (SELECT count(to_preview) FROM per_project) AS previews,
        (SELECT percentile_cont(0.5) WITHIN GROUP (ORDER BY to_preview) FROM per_project)
            AS preview_p50,
        (SELECT percentile_cont(0.95) WITHIN GROUP (ORDER BY to_preview) FROM per_project)
            AS preview_p95,
        (SELECT count(to_completion) FROM per_project) AS completions,
        (SELECT percentile_cont(0.5) WITHIN GROUP (ORDER BY to_completion) FROM per_project)
            AS completion_p50,
        (SELECT percentile_cont(0.95) WITHIN GROUP (ORDER BY to_completion) FROM per_project)
            AS completion_p95,
        (SELECT coalesce(sum(cost), 0) FROM per_project) AS cost,
        (SELECT coalesce(sum(input_tokens), 0) FROM per_project) AS input_tokens,
        (SELECT coalesce(sum(output_tokens), 0) FROM per_project) AS output_tokens,
        (SELECT count(*) FROM events
            WHERE occurred_at >= :since AND occurred_at < :until
              AND (CAST(:owner AS text) IS NULL OR project_id IN (
                  SELECT project_id FROM events WHERE type = 'ProjectRequested' AND {_OWNED})))
            AS events
    """
)


class Percentiles(BaseModel):
    samples: int = Field(description="Projects in the window that reached this point.")
    p50_s: float | None = None
    p95_s: float | None = None


class WindowStats(BaseModel):
    """What happened between `since` (inclusive) and `until` (exclusive)."""

    since: datetime
    until: datetime
    projects: int
    completed: int
    failed: int
    completion_rate: float | None = Field(description="completed / projects; null without any.")
    failure_rate: float | None = Field(description="failed / projects; null without any.")
    time_to_preview: Percentiles
    time_to_completion: Percentiles
    total_cost_usd: float
    mean_cost_usd: float | None = Field(description="Cost per project; null without projects.")
    input_tokens: int
    output_tokens: int
    events: int
    events_per_second: float


async def window_stats(
    engine: AsyncEngine, since: datetime, until: datetime, *, owner: str | None = None
) -> WindowStats:
    """The figures for `[since, until)`, over `owner`'s projects only when given; raises
    ValueError for an empty or reversed window."""
    if until <= since:
        raise ValueError("the window must end after it starts")
    params = {"since": since, "until": until, "owner": owner}
    async with engine.connect() as conn:
        row = (await conn.execute(WINDOW_STATS, params)).one()
    projects = int(row.projects)
    cost = float(row.cost)
    return WindowStats(
        since=since,
        until=until,
        projects=projects,
        completed=int(row.completed),
        failed=int(row.failed),
        completion_rate=row.completed / projects if projects else None,
        failure_rate=row.failed / projects if projects else None,
        time_to_preview=Percentiles(
            samples=int(row.previews), p50_s=_float(row.preview_p50), p95_s=_float(row.preview_p95)
        ),
        time_to_completion=Percentiles(
            samples=int(row.completions),
            p50_s=_float(row.completion_p50),
            p95_s=_float(row.completion_p95),
        ),
        total_cost_usd=cost,
        mean_cost_usd=cost / projects if projects else None,
        input_tokens=int(row.input_tokens),
        output_tokens=int(row.output_tokens),
        events=int(row.events),
        events_per_second=int(row.events) / (until - since).total_seconds(),
    )


def _float(value: object) -> float | None:
    return None if value is None else float(value)  # type: ignore[arg-type]
