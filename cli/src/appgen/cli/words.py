"""How the terminal commands name stages and print durations, tokens and cost."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from appgen.events import Stage

STAGE_LABELS: dict[str, str] = {
    Stage.queued: "Queued",
    Stage.analyzing: "Analyzing the prompt",
    Stage.creating_project: "Creating the project",
    Stage.generating_base: "Generating the base app",
    Stage.setting_up_preview: "Setting up the preview",
    Stage.preview_ready: "Preview ready",
    Stage.adding_screens: "Adding screens",
    Stage.adding_components: "Adding components",
    Stage.generating_images: "Generating images",
    Stage.finalizing: "Finalizing",
    Stage.complete: "Complete",
    Stage.failed: "Failed",
}


def stage_label(stage: str) -> str:
    return STAGE_LABELS.get(stage, stage)


def duration(ms: float | None) -> str:
    if ms is None:
        return ""
    if ms < 1000:
        return f"{ms:.0f} ms"
    if ms < 60_000:
        return f"{ms / 1000:.2f} s"
    minutes, rest = divmod(ms / 1000, 60)
    return f"{minutes:.0f} min {rest:.0f} s"


def usage_text(usage: Mapping[str, Any] | None) -> str:
    """`1,234 tokens · $0.0123`, or "" when no model was called."""
    if not usage or not usage.get("calls"):
        return ""
    tokens = int(usage.get("input_tokens", 0)) + int(usage.get("output_tokens", 0))
    cost = float(usage.get("cost_usd", 0.0))
    return f"{tokens:,} tokens · ${cost:.4f}" if cost < 0.01 else f"{tokens:,} tokens · ${cost:.2f}"
