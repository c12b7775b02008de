"""Previews being made anywhere: from a project's ProjectRequested until its PreviewReady (or its
failure), as the catalog declares the span (`PREVIEW_STARTS`, `PREVIEW_ENDS`). The images
stage's drawing yields to them (`ArtGenerator`); the listening is
`appgen.events.transport.activity`'s."""

from __future__ import annotations

from appgen.events.catalog.pipeline import PREVIEW_ENDS, PREVIEW_STARTS
from appgen.events.transport.activity import PipelineActivity


def previews(*, longest_s: float = 60.0, quiet_s: float = 0.0) -> PipelineActivity:
    """Quiet once no preview is being made and the last one was made `quiet_s` ago: a preview
    is made when its PreviewReady is published, and still has to reach the person waiting for
    it through the gateway (the images stage's `preview_quiet_s`)."""
    return PipelineActivity(PREVIEW_STARTS, PREVIEW_ENDS, quiet_s=quiet_s, longest_s=longest_s)
