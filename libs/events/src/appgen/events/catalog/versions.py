"""A project's versions and edits as a pure fold over its events (docs/edits.md).

Version 1 is the first generation; each applied edit makes the next one. The spec of the newest
version at any position is folded here too: the analysis's spec, with each screen as it was
written in its place (a model may write a screen other than planned), then each revision's spec
with its written screens. Nothing here reads or writes; the same events give the same answer.

The edit queue is part of the same fold: an edit waits while the generation or an earlier edit
runs, and the finisher starts the next one when the project goes idle (`EditQueue.next_edit`).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Literal

from pydantic import BaseModel, Field

from appgen.events.catalog.envelope import Event
from appgen.events.catalog.events import (
    AnalysisCompleted,
    EditApplied,
    EditRejected,
    EditRequested,
    EditStarted,
    ProjectCompleted,
    ProjectFailed,
    ProjectRequested,
    ProjectResumed,
    ScreenAdded,
    ScreenUpdated,
    SpecRevised,
)
from appgen.spec import AppSpec, Screen

EditStatus = Literal["queued", "running", "applied", "rejected"]


class Version(BaseModel):
    """One version of the app: what made it and where it stands in the log."""

    number: int
    prompt: str | None = None
    position: int | None = Field(
        default=None, description="Where the version is complete in the log (None while it runs)."
    )
    at: datetime | None = None
    changes: list[str] = Field(default_factory=list)
    edit_id: str | None = None
    restored_from: int | None = Field(default=None, description="The version it restores.")


class Edit(BaseModel):
    """One follow-up prompt and what became of it: the conversation clients show."""

    edit_id: str
    prompt: str
    status: EditStatus = "queued"
    position: int = Field(description="Where it was requested.")
    requested_at: datetime
    restore: int | None = None
    version: int | None = Field(default=None, description="The version it made, once applied.")
    expected_version: int
    reason: str | None = Field(default=None, description="Why it was rejected.")
    changes: list[str] = Field(default_factory=list)


@dataclass
class EditQueue:
    """Where a project stands for edits, folded from its events."""

    generation: Literal["running", "complete", "failed"] = "running"
    version: int = 1
    spec: AppSpec | None = None
    edits: dict[str, Edit] = field(default_factory=dict)
    versions: list[Version] = field(default_factory=list)
    # The spec of each version, for restores and time travel.
    specs: dict[int, AppSpec] = field(default_factory=dict)
    _revising: dict[str, AppSpec] = field(default_factory=dict)

    @property
    def running(self) -> Edit | None:
        return next((e for e in self.edits.values() if e.status == "running"), None)

    @property
    def queued(self) -> list[Edit]:
        return [e for e in self.edits.values() if e.status == "queued"]

    @property
    def head(self) -> int:
        """The version the newest requested edit will make if every edit before it applies."""
        return self.version + len(self.queued) + (1 if self.running else 0)

    def next_edit(self) -> Edit | None:
        """The edit to start now, if the project is idle: generated, and no edit running."""
        if self.generation != "complete" or self.running is not None:
            return None
        queued = self.queued
        return queued[0] if queued else None

    def apply(self, position: int, event: Event) -> None:
        if isinstance(event, ProjectRequested):
            self.versions = [Version(number=1, prompt=event.prompt)]
        elif isinstance(event, AnalysisCompleted):
            self.spec = event.spec
            if not self.versions:
                self.versions = [Version(number=1, prompt=event.spec.prompt)]
        elif isinstance(event, ScreenAdded | ScreenUpdated) and event.screen is not None:
            self._write_screen(event.screen)
        elif isinstance(event, ProjectCompleted) and self.generation != "complete":
            self.generation = "complete"
            if self.spec is not None:
                self.specs[1] = self.spec
            if self.versions:
                self.versions[0].position, self.versions[0].at = position, event.occurred_at
        elif isinstance(event, ProjectFailed) and self.generation == "running":
            self.generation = "failed"
        elif isinstance(event, ProjectResumed) and self.generation == "failed":
            self.generation = "running"
        else:
            self._edit(position, event)

    def _write_screen(self, screen: Screen) -> None:
        """A screen as written lands in the spec being made: the running edit's, else the first
        generation's."""
        running = self.running
        if running is not None and running.edit_id in self._revising:
            revising = self._revising[running.edit_id]
            self._revising[running.edit_id] = _with_screen(revising, screen)
        elif self.spec is not None and self.generation == "running":
            self.spec = _with_screen(self.spec, screen)

    def _edit(self, position: int, event: Event) -> None:
        if isinstance(event, EditRequested):
            if event.edit_id not in self.edits:
                self.edits[event.edit_id] = Edit(
                    edit_id=event.edit_id,
                    prompt=event.prompt,
                    position=position,
                    requested_at=event.occurred_at,
                    restore=event.restore,
                    expected_version=event.expected_version,
                )
            return
        edit = self.edits.get(getattr(event, "edit_id", ""))
        if edit is None or edit.status in ("applied", "rejected"):
            return
        if isinstance(event, EditStarted):
            edit.status = "running"
        elif isinstance(event, SpecRevised):
            self._revising[edit.edit_id] = event.spec
            edit.changes = [c.summary for c in event.changes]
        elif isinstance(event, EditApplied):
            spec = self._revising.pop(edit.edit_id, None)
            edit.status, edit.version = "applied", event.version
            self.version = event.version
            if spec is not None:
                self.spec = spec
                self.specs[event.version] = spec
            self.versions.append(
                Version(
                    number=event.version,
                    prompt=event.prompt,
                    position=position,
                    at=event.occurred_at,
                    changes=list(event.changes),
                    edit_id=edit.edit_id,
                    restored_from=edit.restore,
                )
            )
        elif isinstance(event, EditRejected):
            self._revising.pop(edit.edit_id, None)
            edit.status, edit.reason = "rejected", event.reason


def _with_screen(spec: AppSpec, screen: Screen) -> AppSpec:
    """The spec with `screen` in place of the one with its route (kept as is when it has none)."""
    if not any(s.route == screen.route for s in spec.screens):
        return spec
    screens = [screen if s.route == screen.route else s for s in spec.screens]
    try:
        return AppSpec.model_validate({**spec.model_dump(), "screens": screens})
    except ValueError:
        # A written screen that does not fit the spec was rendered from the spec's own instead.
        return spec


def edit_queue(events: Iterable[tuple[int, Event]]) -> EditQueue:
    """The fold of a project's `(position, event)` pairs, in position order, each id once."""
    queue = EditQueue()
    seen: set[object] = set()
    for position, event in sorted(events, key=lambda pair: pair[0]):
        if event.event_id in seen:
            continue
        seen.add(event.event_id)
        queue.apply(position, event)
    return queue


def spec_at(events: Iterable[tuple[int, Event]]) -> AppSpec | None:
    """The app's spec as of the last of `events`: the newest applied version's, or while the
    first generation runs, the analysis's with the screens written so far."""
    return edit_queue(events).spec
