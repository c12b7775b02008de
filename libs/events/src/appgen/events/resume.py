"""Resuming a project: which stages must take up their input again, derived from the events alone.

The pipeline's facts say how far each branch got (docs/architecture.md):

    ProjectRequested ─analyzer→ AnalysisCompleted ─scaffolder→ PreviewReady ─screens→ ScreensCompleted ─┐
                                        └──────────images→ ImagesCompleted ──────────────────finisher→ ProjectCompleted

A stage is redone when its input is there and its own closing fact is not. Only the frontier is
named: what follows a redone stage happens by the normal flow of events.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from appgen.events.catalog import (
    AnalysisCompleted,
    ImagesCompleted,
    PreviewReady,
    ProjectCompleted,
    ProjectFailed,
    ProjectRequested,
    ScreensCompleted,
    StageFailed,
)
from appgen.events.envelope import Event
from appgen.events.projection import Headline
from appgen.events.stages import Stage


class NothingToResume(ValueError):
    """The project is complete, or has not even been requested: there is no work to take up."""


@dataclass(frozen=True)
class ResumePlan:
    redo: tuple[Stage, ...]
    resume_stage: Stage


def plan(events: Iterable[Event]) -> ResumePlan:
    """The stages to redo for a project with these events (any order), and where it stands."""
    seen: set[type[Event]] = set()
    headline = Headline()
    for event in events:
        seen.add(type(event))
        if not isinstance(event, StageFailed | ProjectFailed):
            headline = headline.step(event)
    if ProjectCompleted in seen:
        raise NothingToResume("the project is complete")
    if ProjectRequested not in seen:
        raise NothingToResume("the project has no request in its history")
    redo: list[Stage] = []
    if AnalysisCompleted not in seen:
        redo.append(Stage.analyzing)
    else:
        if PreviewReady not in seen:
            redo.append(Stage.creating_project)
        elif ScreensCompleted not in seen:
            redo.append(Stage.adding_screens)
        if ImagesCompleted not in seen:
            redo.append(Stage.generating_images)
        if not redo:
            redo.append(Stage.finalizing)
    return ResumePlan(tuple(redo), headline.current_stage)
