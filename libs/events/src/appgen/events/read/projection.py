"""A project's state as a pure fold over its events: no I/O, the same answer for the same events.

Stage semantics: each event belongs to the stage it names. `generating_images` is a background
branch beside the main path, so it never moves the project's headline stage or progress (unless
nothing else has happened yet); `complete` and `failed` are terminal and the first one wins, with
one exception: `ProjectResumed` brings a failed project back to running (a completed one stays
complete), after which the next terminal event wins again. An edit's events never move the
headline: its versions and edits are folded beside it (`versions.py`); nor do the native stage's.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Literal

from pydantic import BaseModel, Field

from appgen.events.catalog.envelope import Event
from appgen.events.catalog.events import (
    AnalysisCompleted,
    ComponentsAdded,
    FilesWritten,
    ImageGenerated,
    ImagesCompleted,
    ModelFellBack,
    PreviewReady,
    ProjectCompleted,
    ProjectCreated,
    ProjectFailed,
    ProjectForked,
    ProjectRequested,
    ProjectResumed,
    ScreenAdded,
    StageFailed,
)
from appgen.events.catalog.files import FileWrite
from appgen.events.catalog.pipeline import BACKGROUND
from appgen.events.catalog.stages import GENERATION_STAGES, Stage
from appgen.events.catalog.versions import Edit, EditQueue, Version

Status = Literal["running", "complete", "failed"]
StageStatus = Literal["pending", "active", "done", "failed"]

TERMINAL: frozenset[Stage] = frozenset({Stage.complete, Stage.failed})
# The stages a client draws, in order; `failed` is a status, not a step of the pipeline.
CLIENT_STAGES: tuple[Stage, ...] = tuple(s for s in GENERATION_STAGES if s is not Stage.failed)
MAIN_PATH: tuple[Stage, ...] = tuple(s for s in GENERATION_STAGES if s not in BACKGROUND | TERMINAL)


def is_main_path(stage: Stage) -> bool:
    return stage not in BACKGROUND and stage not in TERMINAL


@dataclass(frozen=True)
class Headline:
    """Stage, status and progress: the part of the fold that the store's summary row keeps too.

    Both the full fold and the recorder's `projects` row step through this one function, so a
    project's summary can never disagree with its history.
    """

    stage: Stage | None = None
    status: Status = "running"
    progress: int = 0

    def step(self, event: Event) -> Headline:
        if isinstance(event, ProjectResumed):
            if self.status == "failed":
                return Headline(event.resume_stage, "running", self.progress)
            return self
        if self.status != "running" or event.current_stage.is_aside:
            return self
        if isinstance(event, ProjectCompleted):
            return Headline(Stage.complete, "complete", 100)
        if isinstance(event, ProjectFailed):
            return Headline(Stage.failed, "failed", self.progress)
        stage = event.current_stage
        if is_main_path(stage):
            furthest = stage
            if self.stage is not None and is_main_path(self.stage):
                furthest = max(self.stage, stage, key=lambda s: s.order)
            return Headline(furthest, "running", max(self.progress, event.progress))
        if stage in BACKGROUND and self.stage is None:
            return Headline(stage, "running", self.progress)
        return self

    @property
    def current_stage(self) -> Stage:
        return self.stage or Stage.queued


class StageTiming(BaseModel):
    started_at: datetime | None = None
    finished_at: datetime | None = None
    duration_ms: float | None = None
    status: StageStatus = "pending"


class ScreenRef(BaseModel):
    route: str
    title: str


class ImageRef(BaseModel):
    name: str
    purpose: str
    path: str | None = None


class ForkOrigin(BaseModel):
    """Where a forked project's history came from."""

    project_id: str
    position: int
    model: str | None = None


class Fallback(BaseModel):
    """A part the deterministic generator made because a model's answer could not be used."""

    stage: Stage
    part: str
    reason: str


class Usage(BaseModel):
    """Language-model usage summed from `metadata.model_calls`."""

    calls: int = 0
    input_tokens: int = 0
    output_tokens: int = 0
    cached_input_tokens: int = 0
    cost_usd: float = 0.0


class ProjectState(BaseModel):
    """Everything a client or a debugging session wants to know about one project at a position."""

    project_id: str
    prompt: str | None = None
    name: str | None = None
    slug: str | None = None
    status: Status = "running"
    stage: Stage = Stage.queued
    progress: int = 0
    preview_ready: bool = False
    screens: list[ScreenRef] = Field(default_factory=list)
    screens_total: int = 0
    images: list[ImageRef] = Field(default_factory=list)
    components: list[str] = Field(default_factory=list)
    files: int = 0
    stages: dict[str, StageTiming] = Field(
        default_factory=lambda: {s.value: StageTiming() for s in CLIENT_STAGES}
    )
    failure_reason: str | None = None
    failed_stage: Stage | None = None
    forked_from: ForkOrigin | None = None
    resumes: int = Field(default=0, description="How many times the project was resumed.")
    created_at: datetime | None = None
    updated_at: datetime | None = None
    last_position: int = 0
    event_count: int = 0
    usage: Usage = Field(default_factory=Usage)
    usage_by_stage: dict[str, Usage] = Field(default_factory=dict)
    fallbacks: list[Fallback] = Field(default_factory=list)
    version: int = Field(default=1, description="The newest applied version (1: the generation).")
    versions: list[Version] = Field(default_factory=list)
    edits: list[Edit] = Field(default_factory=list, description="Follow-up prompts, in order.")


def fold(events: Iterable[tuple[int, Event]]) -> ProjectState:
    """The state after `(position, event)` pairs of one project, applied in position order."""
    projector = _Projector()
    for position, event in sorted(events, key=lambda pair: pair[0]):
        projector.apply(position, event)
    return projector.result()


def file_tree(events: Iterable[tuple[int, Event]]) -> dict[str, FileWrite]:
    """Each path's latest write, in position order: the project's files as they stood."""
    tree: dict[str, FileWrite] = {}
    for _, event in sorted(events, key=lambda pair: pair[0]):
        if isinstance(event, FilesWritten):
            for write in event.files:
                tree[write.path] = write
            for path in event.removed:
                tree.pop(path, None)
    return tree


class _Projector:
    def __init__(self) -> None:
        self.state: ProjectState | None = None
        self.headline = Headline()
        self.seen: set[object] = set()
        self.screens: dict[int, ScreenRef] = {}
        self.paths: set[str] = set()
        self.versions = EditQueue()

    def apply(self, position: int, event: Event) -> None:
        # The same event may appear twice in a raw stream (published again after the
        # duplicate window); its first position is the one that counts.
        if event.event_id in self.seen:
            return
        self.seen.add(event.event_id)
        state = self.state
        if state is None:
            state = self.state = ProjectState(project_id=event.project_id)
        elif event.project_id != state.project_id:
            raise ValueError(f"fold of {state.project_id} got an event of {event.project_id}")
        state.event_count += 1
        state.last_position = max(state.last_position, position)
        when = event.occurred_at
        state.created_at = when if state.created_at is None else min(state.created_at, when)
        state.updated_at = when if state.updated_at is None else max(state.updated_at, when)
        self._timings(state, event)
        self.headline = self.headline.step(event)
        self._facts(state, event)
        self._usage(state, event)
        self.versions.apply(position, event)

    def _facts(self, state: ProjectState, event: Event) -> None:
        if isinstance(event, FilesWritten):
            self.paths.update(write.path for write in event.files)
            self.paths.difference_update(event.removed)
        if isinstance(event, ProjectRequested):
            state.prompt = event.prompt
        elif isinstance(event, AnalysisCompleted):
            state.name = state.name or event.spec.name
            state.slug = state.slug or event.spec.slug
        elif isinstance(event, ProjectCreated):
            state.name, state.slug = event.name, event.slug
            state.screens_total = state.screens_total or len(event.screens_planned)
        elif isinstance(event, PreviewReady | ProjectCompleted):
            state.preview_ready = True
        elif isinstance(event, ScreenAdded):
            self.screens[event.index] = ScreenRef(route=event.route, title=event.title)
            state.screens_total = event.total
        elif isinstance(event, ComponentsAdded):
            state.components.extend(c for c in event.components if c not in state.components)
        elif isinstance(event, ImageGenerated):
            path = event.files[0].path if event.files else None
            state.images.append(ImageRef(name=event.name, purpose=event.purpose, path=path))
        elif isinstance(event, ModelFellBack):
            state.fallbacks.append(
                Fallback(stage=event.current_stage, part=event.part, reason=event.reason)
            )
        elif isinstance(event, StageFailed | ProjectFailed):
            state.failure_reason = state.failure_reason or event.reason
            state.failed_stage = state.failed_stage or event.failed_stage
        elif isinstance(event, ProjectResumed) and self.headline.status == "running":
            # The resume took: the failure is history now (its events stay in the log).
            state.resumes += 1
            state.failure_reason = state.failed_stage = None
        elif isinstance(event, ProjectForked) and event.metadata.copied_from is None:
            # A fork of a fork copies its source's ProjectForked; this project's own one counts.
            state.forked_from = ForkOrigin(
                project_id=event.source_project_id,
                position=event.source_position,
                model=event.model,
            )

    def _timings(self, state: ProjectState, event: Event) -> None:
        stage, when = event.current_stage, event.occurred_at
        stages = state.stages
        if isinstance(event, ProjectResumed):
            if self.headline.status == "failed":
                for entry in stages.values():
                    if entry.status == "failed":
                        # Active again from the resume on; it finishes when its work does.
                        entry.status = "active"
                        entry.finished_at = entry.duration_ms = None
            return
        if self.headline.status != "running":
            return
        if isinstance(event, ProjectFailed | StageFailed):
            timing = stages.get(event.failed_stage.value)
            if timing is not None:
                timing.status = "failed"
                _finish(timing, when)
            return
        timing = stages.get(stage.value)
        if timing is None:
            return
        if timing.status == "pending":
            timing.status = "active"
            timing.started_at = when
        if stage in BACKGROUND:
            if isinstance(event, ImagesCompleted) and timing.status == "active":
                timing.status = "done"
                _finish(timing, when)
            return
        # A main-path stage starting finishes every earlier main-path stage.
        for earlier in MAIN_PATH:
            if earlier.order >= stage.order:
                break
            previous = stages[earlier.value]
            if previous.status in ("pending", "active"):
                previous.status = "done"
                _finish(previous, when)
        if stage is Stage.complete:
            timing.status = "done"
            _finish(timing, when)
            for other in stages.values():
                if other.status == "active":
                    other.status = "done"
                    _finish(other, when)

    def _usage(self, state: ProjectState, event: Event) -> None:
        calls = event.metadata.model_calls
        if not calls:
            return
        by_stage = state.usage_by_stage.setdefault(event.current_stage.value, Usage())
        for call in calls:
            for usage in (state.usage, by_stage):
                usage.calls += 1
                usage.input_tokens += call.input_tokens
                usage.output_tokens += call.output_tokens
                usage.cached_input_tokens += call.cached_input_tokens
                usage.cost_usd += call.cost_usd

    def result(self) -> ProjectState:
        if self.state is None:
            raise ValueError("fold needs at least one event")
        state = self.state
        state.stage = self.headline.current_stage
        state.status = self.headline.status
        state.progress = self.headline.progress
        state.screens = [self.screens[i] for i in sorted(self.screens)]
        state.files = len(self.paths)
        versions = self.versions
        state.version, state.versions = versions.version, versions.versions
        state.edits = list(versions.edits.values())
        if versions.version > 1 and versions.spec is not None:
            # Edited since: the screens are the newest version's (the home screen aside, as
            # during the generation, where it comes with the base).
            spec = versions.spec
            state.screens = [
                ScreenRef(route=s.route, title=s.title)
                for s in spec.screens
                if s.route != spec.home
            ]
            state.screens_total = len(state.screens)
            state.name = versions.spec.name
        return state


def _finish(timing: StageTiming, when: datetime) -> None:
    if timing.finished_at is not None:
        return
    timing.finished_at = when
    if timing.started_at is not None:
        timing.duration_ms = round((when - timing.started_at).total_seconds() * 1000, 3)
