"""Previews being made anywhere: from a project's ProjectRequested until its PreviewReady (or its
failure), as the catalog declares the span (`PREVIEW_STARTS`, `PREVIEW_ENDS`). The images
stage's drawing yields to them (`ArtGenerator`); the listening is
`appgen.events.transport.activity`'s."""

from __future__ import annotations

from appgen.events.catalog.pipeline import PREVIEW_ENDS, PREVIEW_STARTS
from appgen.events.transport.activity import PipelineActivity


def previews(*, longest_s: float = 60.0) -> PipelineActivity:
    """Quiet as soon as no preview is being made: no extra quiet after the last one, since a
    drawing holds only a bounded while anyway."""
    return PipelineActivity(PREVIEW_STARTS, PREVIEW_ENDS, quiet_s=0.0, longest_s=longest_s)
