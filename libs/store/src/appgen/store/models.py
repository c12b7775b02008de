"""What the store hands back: stored events with their position, and project summary rows."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from pydantic import BaseModel, ConfigDict

from appgen.events import Event, Stage
from appgen.events.read.projection import Status


@dataclass(frozen=True)
class StoredEvent:
    """An event as recorded: its global position (the stream sequence) and when it was stored."""

    position: int
    event: Event
    recorded_at: datetime


@dataclass(frozen=True)
class Unreadable:
    """A stream message that is not a valid event, kept with why it could not be read."""

    position: int
    subject: str
    data: bytes
    error: str


class ProjectSummary(BaseModel):
    """One row of `projects`: the headline of a project, kept by the recorder as it writes."""

    model_config = ConfigDict(from_attributes=True)

    project_id: str
    prompt: str | None = None
    name: str | None = None
    stage: Stage = Stage.queued
    progress: int = 0
    status: Status = "running"
    failure_reason: str | None = None
    preview_ready: bool = False
    created_at: datetime
    updated_at: datetime
    last_position: int = 0
    event_count: int = 0
    owner: str | None = None
