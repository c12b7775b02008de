"""Previews being made anywhere: from a project's ProjectRequested until its PreviewReady (or its
failure). The images stage's drawing yields to them (`ArtGenerator`); the listening is
`appgen.events.transport.activity`'s."""

from __future__ import annotations

from appgen.events import Event, PreviewReady, ProjectFailed, ProjectRequested
from appgen.events.transport.activity import PipelineActivity

STARTS: tuple[type[Event], ...] = (ProjectRequested,)
ENDS: tuple[type[Event], ...] = (PreviewReady, ProjectFailed)


def previews(*, longest_s: float = 60.0) -> PipelineActivity:
    """Quiet as soon as no preview is being made: no extra quiet after the last one, since a
    drawing holds only a bounded while anyway."""
    return PipelineActivity(STARTS, ENDS, quiet_s=0.0, longest_s=longest_s)
