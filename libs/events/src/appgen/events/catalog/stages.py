"""The client-facing stages: the generation's eleven plus the terminal `failed`, an edit's three,
and the native stage's one.

One enum shared by every service and client. An edit's stages and the native stage are not steps
of the generation: they never move a project's headline (see `projection.Headline`), and clients
draw them apart.
"""

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
    # A follow-up prompt's own path (docs/edits.md).
    editing = "editing"
    edit_applied = "edit_applied"
    edit_rejected = "edit_rejected"
    # The native stage's builds and Expo Go servers, in the background (docs/expo.md).
    native = "native"

    @property
    def order(self) -> int:
        return _ORDER[self]

    @property
    def is_edit(self) -> bool:
        return self in EDIT_STAGES

    @property
    def is_aside(self) -> bool:
        """Not a step of the generation: an edit's stages and the native stage."""
        return self in ASIDE_STAGES


EDIT_STAGES: frozenset[Stage] = frozenset({Stage.editing, Stage.edit_applied, Stage.edit_rejected})
ASIDE_STAGES: frozenset[Stage] = EDIT_STAGES | {Stage.native}
# The order clients draw the generation's indicators in; `failed` sorts last so a fold's maximum
# ends there. An edit's stages and the native stage come after it and are never part of the
# generation's pipeline.
GENERATION_STAGES: tuple[Stage, ...] = tuple(s for s in Stage if s not in ASIDE_STAGES)
_ORDER = {stage: index for index, stage in enumerate(Stage)}
