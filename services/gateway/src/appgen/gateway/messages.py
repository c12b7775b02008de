"""What a client receives for each event: appgen's message shape (docs/protocol.md).

The WebSocket adds the earlier generator's fields to it (`appgen.gateway.compat`), so that
generator's clients keep working; REST and SSE carry it as built here.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Hashable
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any, Literal

from appgen.events import (
    AnalysisCompleted,
    AnalysisStarted,
    BaseGenerated,
    ComponentsAdded,
    Event,
    ImageGenerated,
    ImagesCompleted,
    PreviewConfigured,
    PreviewReady,
    ProjectCompleted,
    ProjectCreated,
    ProjectFailed,
    ProjectForked,
    ProjectRequested,
    ProjectResumed,
    ScreenAdded,
    ScreensCompleted,
    StageFailed,
)

MessageType = Literal["progress", "complete", "error"]


def message_type(event: Event) -> MessageType:
    if isinstance(event, ProjectCompleted):
        return "complete"
    if isinstance(event, ProjectFailed | StageFailed):
        return "error"
    return "progress"


def human_message(event: Event) -> str:
    """One line a person can read for the event."""
    match event:
        case ProjectRequested():
            return "Queued your request…"
        case AnalysisStarted():
            return "Analyzing your prompt…"
        case AnalysisCompleted(spec=spec):
            return f"Planned {spec.name}: {len(spec.screens)} screens"
        case ProjectCreated(name=name):
            return f"Created project {name}"
        case BaseGenerated(files=files):
            return f"Generated the base app ({len(files)} files)"
        case PreviewConfigured():
            return "Setting up the live preview…"
        case PreviewReady():
            return "Preview is ready"
        case ScreenAdded(title=title, index=index, total=total):
            return f"Added screen {title} ({index + 1}/{total})"
        case ComponentsAdded(components=components):
            return f"Added {len(components)} components"
        case ImageGenerated(name=name, index=index, total=total):
            return f"Generated image {name} ({index + 1}/{total})"
        case ImagesCompleted(count=count):
            return f"Generated {count} images"
        case ScreensCompleted(screens=screens):
            return f"All {len(screens)} screens added; finalizing…"
        case ProjectCompleted():
            return "Your app is ready"
        case StageFailed(failed_stage=stage, reason=reason):
            return f"{stage.value} failed: {reason}"
        case ProjectFailed(reason=reason):
            return f"Generation failed: {reason}"
        case ProjectResumed(redo=redo):
            return "Resuming: " + ", ".join(stage.value for stage in redo)
        case ProjectForked(source_project_id=source, source_position=position):
            return f"Forked from {source} at position {position}"
    return event.type


def shows_preview(event: Event) -> bool:
    """Whether the event says the preview is live: its message carries the preview's link."""
    return isinstance(event, PreviewReady | ProjectCompleted)


@dataclass
class FeedItem:
    """One event at its position. Its JSON is built once and shared by every client that gets it."""

    position: int
    event: Event
    # The project's signed preview link (`Signer.preview_path`).
    preview_path: str | None = None
    # Other renderings of this item (the compatibility layer's), each built once per key.
    _variants: dict[Hashable, str] = field(
        default_factory=dict, init=False, repr=False, compare=False
    )

    def message(self) -> dict[str, Any]:
        event = self.event
        data = event.data()
        # Files are large and have their own endpoints; clients get the paths written.
        if "files" in data:
            data["files"] = [write["path"] for write in data["files"]]
        data.update(message=human_message(event), progress=event.progress)
        if shows_preview(event):
            # Relative to the gateway's origin, which differs between clients of one item.
            data["preview_url"] = self.preview
        return {
            "type": message_type(event),
            "position": self.position,
            "event_id": str(event.event_id),
            "event_type": event.type,
            "project_id": event.project_id,
            "stage": event.current_stage.value,
            "progress": event.progress,
            "occurred_at": event.occurred_at.isoformat(),
            "data": data,
            # Who did it, on which attempt, how long it took and what it cost (the debugging
            # questions); a fork's copy names the event it copies.
            "metadata": event.metadata.model_dump(mode="json"),
        }

    @property
    def preview(self) -> str:
        """The preview's path: the signed link, or the project's unsigned path for an item made
        without one (only outside a running gateway)."""
        return self.preview_path or f"/preview/{self.event.project_id}/"

    @cached_property
    def json(self) -> str:
        return json.dumps(self.message(), separators=(",", ":"))

    def variant(self, key: Hashable, build: Callable[[], str]) -> str:
        """Another rendering of this item: built by `build` for the first client with `key`,
        then shared by every client with the same key (as `json` is by every client)."""
        text = self._variants.get(key)
        if text is None:
            text = self._variants[key] = build()
        return text


ItemMaker = Callable[[int, Event], FeedItem]
