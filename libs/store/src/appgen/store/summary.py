"""Folding newly recorded events into `projects` rows: pure, and the same rules as the projection."""

from __future__ import annotations

from collections.abc import Iterable

from appgen.events import (
    AnalysisCompleted,
    Event,
    PreviewReady,
    ProjectCompleted,
    ProjectCreated,
    ProjectFailed,
    ProjectRequested,
    ProjectResumed,
    StageFailed,
)
from appgen.events.read.projection import Headline
from appgen.store.models import ProjectSummary


def advance(summary: ProjectSummary | None, records: Iterable[tuple[int, Event]]) -> ProjectSummary:
    """`summary` (None for a new project) after the events of one project, in position order."""
    ordered = sorted(records, key=lambda pair: pair[0])
    if not ordered:
        if summary is None:
            raise ValueError("a new project needs at least one event")
        return summary
    first = ordered[0][1]
    row = summary or ProjectSummary(
        project_id=first.project_id, created_at=first.occurred_at, updated_at=first.occurred_at
    )
    values = row.model_dump()
    # A new project starts with no stage at all, as the full fold does.
    headline = Headline() if summary is None else Headline(row.stage, row.status, row.progress)
    for position, event in ordered:
        headline = headline.step(event)
        values["created_at"] = min(values["created_at"], event.occurred_at)
        values["updated_at"] = max(values["updated_at"], event.occurred_at)
        values["last_position"] = max(values["last_position"], position)
        values["event_count"] += 1
        if isinstance(event, ProjectRequested):
            values["prompt"] = event.prompt
            values["owner"] = event.owner
        elif isinstance(event, AnalysisCompleted):
            values["name"] = values["name"] or event.spec.name
        elif isinstance(event, ProjectCreated):
            values["name"] = event.name
        elif isinstance(event, PreviewReady | ProjectCompleted):
            values["preview_ready"] = True
        elif isinstance(event, StageFailed | ProjectFailed):
            values["failure_reason"] = values["failure_reason"] or event.reason
        elif isinstance(event, ProjectResumed) and headline.status == "running":
            values["failure_reason"] = None
    values.update(stage=headline.current_stage, status=headline.status, progress=headline.progress)
    return ProjectSummary.model_validate(values)
