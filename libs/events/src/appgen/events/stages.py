"""The eleven client-facing stages, plus the terminal `failed`: one enum shared by every service and client."""

from __future__ import annotations

from enum import StrEnum


class Stage(StrEnum):
    queued = "queued"
    analyzing = "analyzing"
    creating_project = "creating_project"
    generating_base = "generating_base"
    setting_up_preview = "setting_up_preview"
    preview_ready = "preview_ready"
    adding_screens = "adding_screens"
    adding_components = "adding_components"
    generating_images = "generating_images"
    finalizing = "finalizing"
    complete = "complete"
    failed = "failed"

    @property
    def order(self) -> int:
        return _ORDER[self]

    @property
    def is_terminal(self) -> bool:
        return self in (Stage.complete, Stage.failed)


# The order clients draw the indicators in; `failed` sorts last so a fold's maximum ends there.
PIPELINE: tuple[Stage, ...] = tuple(Stage)
_ORDER = {stage: index for index, stage in enumerate(PIPELINE)}
