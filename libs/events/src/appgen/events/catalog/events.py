"""Every event in the system: past-tense facts, one model each.

The flow (see docs/architecture.md): gateway → ProjectRequested → analyzer → AnalysisCompleted →
scaffolder → PreviewReady → screens; images start from AnalysisCompleted in the background;
the finisher joins ScreensCompleted and ImagesCompleted into ProjectCompleted.

An edit (docs/edits.md): gateway → EditRequested → finisher, when the project is idle, →
EditStarted → analyzer → SpecRevised (or EditRejected) → screens → ScreenAdded / ScreenUpdated /
ScreenRemoved for the screens that changed → EditApplied.

The native stage (docs/expo.md), in the background after each version (ProjectCompleted,
EditApplied): NativeBuildStarted → NativeBuilt or NativeBuildFailed (NativeBuildSkipped without
Node.js); and the Expo Go servers' lifecycle, NativePreviewStarted → Ready → Stopped (or Failed).
"""

from __future__ import annotations

from typing import ClassVar

from pydantic import Field

from appgen.events.catalog.envelope import Event
from appgen.events.catalog.files import BuiltFile, FileWrite, RelativePath
from appgen.events.catalog.ids import ProjectId
from appgen.events.catalog.stages import Stage
from appgen.events.catalog.upcasting import Raw, upcaster
from appgen.spec import AppSpec, Change, Screen

MAX_PROMPT_LENGTH = 4000
MAX_EDIT_LENGTH = 2000


class FilesWritten(Event):
    """Base for events that write (or remove) files; the file tree at a position folds over these."""

    abstract: ClassVar[bool] = True
    STAGE: ClassVar[Stage] = Stage.generating_base
    files: tuple[FileWrite, ...] = ()
    removed: tuple[RelativePath, ...] = Field(
        default=(), description="Paths no longer part of the app from this event on."
    )


class ProjectRequested(Event):
    """A person asked for an app: the prompt, and who asked."""

    STAGE: ClassVar[Stage] = Stage.queued
    default_progress: ClassVar[int] = 0
    prompt: str = Field(min_length=3, max_length=MAX_PROMPT_LENGTH)
    owner: str | None = Field(default=None, max_length=64)


class AnalysisStarted(Event):
    """The analyzer took up the request."""

    STAGE: ClassVar[Stage] = Stage.analyzing
    default_progress: ClassVar[int] = 5


class AnalysisCompleted(Event):
    """The app's spec (screens, data, theme), from the model or the rules."""

    STAGE: ClassVar[Stage] = Stage.analyzing
    default_progress: ClassVar[int] = 15
    spec: AppSpec
    source: str = Field(default="rules", description="'rules' or 'model'.")


class ProjectCreated(Event):
    """The project has its name, slug and planned screens."""

    STAGE: ClassVar[Stage] = Stage.creating_project
    default_progress: ClassVar[int] = 20
    name: str
    slug: str
    screens_planned: tuple[str, ...] = ()


class BaseGenerated(FilesWritten):
    """The app-wide files the screens build on."""

    STAGE: ClassVar[Stage] = Stage.generating_base
    default_progress: ClassVar[int] = 28


class PreviewConfigured(FilesWritten):
    """The preview's entry point, manifest and service worker are written."""

    STAGE: ClassVar[Stage] = Stage.setting_up_preview
    default_progress: ClassVar[int] = 34


class PreviewReady(Event):
    """The instant preview can be opened; the screens follow into it."""

    STAGE: ClassVar[Stage] = Stage.preview_ready
    default_progress: ClassVar[int] = 40
    # 2: no `preview_path` (the gateway makes the link from the project's id).
    SCHEMA: ClassVar[int] = 2


class ScreenAdded(FilesWritten):
    """One screen's files, `index` of `total`."""

    STAGE: ClassVar[Stage] = Stage.adding_screens
    default_progress: ClassVar[int] = 45
    route: str
    title: str
    index: int = Field(ge=0)
    total: int = Field(ge=1)
    screen: Screen | None = Field(
        default=None,
        description="The screen as written (by the model or the rules), so a resumed or "
        "redelivered run reuses it instead of writing it again.",
    )


class ComponentsAdded(FilesWritten):
    """The shared components the screens use."""

    STAGE: ClassVar[Stage] = Stage.adding_components
    default_progress: ClassVar[int] = 85
    components: tuple[str, ...] = ()


class ScreensCompleted(Event):
    """Every planned screen is written; the finisher joins this with the images."""

    STAGE: ClassVar[Stage] = Stage.finalizing
    default_progress: ClassVar[int] = 90
    screens: tuple[str, ...] = ()


class ImageGenerated(FilesWritten):
    """One image (icon, splash or illustration), `index` of `total`."""

    STAGE: ClassVar[Stage] = Stage.generating_images
    default_progress: ClassVar[int] = 40
    name: str
    purpose: str = Field(description="'icon', 'splash' or 'illustration'.")
    index: int = Field(ge=0)
    total: int = Field(ge=1)


class ImagesCompleted(Event):
    """Every image is made; the finisher joins this with the screens."""

    STAGE: ClassVar[Stage] = Stage.generating_images
    default_progress: ClassVar[int] = 40
    count: int = Field(ge=0)


class AnalysisProgressed(Event):
    """A streamed analysis got this far: the screens its answer names so far."""

    STAGE: ClassVar[Stage] = Stage.analyzing
    default_progress: ClassVar[int] = 10
    screens: tuple[str, ...] = ()
    output_chars: int = Field(ge=0)


class ModelFellBack(Event):
    """A model could not make one part (no valid answer after a repair and a retry, or the
    endpoint kept failing), so the deterministic generator made it; the part is not broken."""

    abstract: ClassVar[bool] = True
    part: str = Field(max_length=200, description="'spec', a screen's route or an image's name.")
    reason: str = Field(max_length=2000)


class AnalysisFellBack(ModelFellBack):
    """The model could not make the spec, so the rules made it."""

    STAGE: ClassVar[Stage] = Stage.analyzing
    default_progress: ClassVar[int] = 10


class ScreenFellBack(ModelFellBack):
    """The model could not write a screen, so the rules wrote it."""

    STAGE: ClassVar[Stage] = Stage.adding_screens
    default_progress: ClassVar[int] = 45


class ImageFellBack(ModelFellBack):
    """The images API could not make a picture, so it was drawn."""

    STAGE: ClassVar[Stage] = Stage.generating_images
    default_progress: ClassVar[int] = 40


class BudgetExhausted(Event):
    """The project's model budget is spent: `stopped_stage` stops, and ProjectFailed follows (or,
    for an edit's step, EditRejected: the app stays at the version it was).

    Its metadata holds the calls made on the way to the stop, so the spend stays complete."""

    STAGE: ClassVar[Stage] = Stage.failed
    stopped_stage: Stage
    spent_usd: float = Field(ge=0)
    budget_usd: float = Field(ge=0)


class ProjectCompleted(Event):
    """The app is complete (version 1)."""

    STAGE: ClassVar[Stage] = Stage.complete
    default_progress: ClassVar[int] = 100
    # 2: no `preview_path` (the gateway makes the link from the project's id).
    SCHEMA: ClassVar[int] = 2


class StageFailed(Event):
    """A stage gave up on an input after its retries; ProjectFailed follows."""

    STAGE: ClassVar[Stage] = Stage.failed
    failed_stage: Stage
    service: str
    reason: str = Field(max_length=2000)
    input_type: str
    attempts: int = Field(ge=1)


class ProjectFailed(Event):
    """The generation stopped at `failed_stage`; a resume can take it up again."""

    STAGE: ClassVar[Stage] = Stage.failed
    failed_stage: Stage
    reason: str = Field(max_length=2000)


class ProjectResumed(Event):
    """Work continues after a failure or a stall: each stage in `redo` takes up its last input again.

    The stages are derived from the project's events alone (`appgen.events.read.resume.resume_plan`); a stage
    republishes only the outputs its input has not produced yet, so nothing finished is redone
    twice in the log. A failed project is running again from this event on.
    """

    STAGE: ClassVar[Stage] = Stage.queued
    redo: tuple[Stage, ...] = Field(min_length=1)
    resume_stage: Stage = Field(description="Where the project's headline stands again.")
    reason: str = Field(default="", max_length=2000)


class ProjectForked(Event):
    """This project's history so far is a copy of another's up to a position; it continues here."""

    STAGE: ClassVar[Stage] = Stage.queued
    source_project_id: ProjectId
    source_position: int = Field(ge=0)
    prompt: str | None = Field(
        default=None, max_length=MAX_PROMPT_LENGTH, description="The changed prompt, if any."
    )
    model: str | None = Field(
        default=None,
        max_length=200,
        description="The chat model the analysis and screens use from here on instead of the "
        "configured one (ignored when none is configured); a fork of a fork keeps its source's.",
    )


class EditStep(Event):
    """Base for the events of one edit: they name it, so a stage that gives up on one rejects the
    edit (EditRejected) instead of failing a project that is complete."""

    abstract: ClassVar[bool] = True
    STAGE: ClassVar[Stage] = Stage.editing
    edit_id: str = Field(pattern=r"^[0-9a-f]{32}$")


class EditRequested(EditStep):
    """A follow-up prompt, or a restore of an earlier version, waiting its turn (edits of a
    project apply one at a time, in the order they were requested)."""

    prompt: str = Field(min_length=1, max_length=MAX_EDIT_LENGTH)
    restore: int | None = Field(
        default=None, ge=1, description="Make a new version equal to this version (an undo)."
    )
    expected_version: int = Field(
        ge=1, description="The version this edit will make if every edit before it applies."
    )


class EditStarted(EditStep):
    """The project is idle and this edit is next: it is being applied to `base_version`."""

    base_version: int = Field(ge=1)


class SpecRevised(EditStep):
    """The edit's new spec and what changed; the screens follow."""

    version: int = Field(ge=2)
    spec: AppSpec
    changes: tuple[Change, ...] = Field(min_length=1)
    source: str = Field(default="rules", description="'rules', 'model' or 'restore'.")


class BaseRevised(FilesWritten, EditStep):
    """The app-wide files an edit changed (spec module, styles, manifest)."""

    STAGE: ClassVar[Stage] = Stage.editing


class ScreenUpdated(FilesWritten, EditStep):
    """A screen an edit changed, rewritten."""

    STAGE: ClassVar[Stage] = Stage.editing
    route: str
    title: str
    screen: Screen | None = None


class ScreenRemoved(FilesWritten, EditStep):
    """A screen an edit removed: its files are gone."""

    STAGE: ClassVar[Stage] = Stage.editing
    route: str
    title: str


class EditApplied(EditStep):
    """The edit made `version`, described by `changes`."""

    STAGE: ClassVar[Stage] = Stage.edit_applied
    version: int = Field(ge=2)
    prompt: str = Field(min_length=1, max_length=MAX_EDIT_LENGTH)
    changes: tuple[str, ...] = Field(description="What changed, in words.")
    # 2: no `preview_path` (the gateway makes the link from the project's id).
    SCHEMA: ClassVar[int] = 2


class EditRejected(EditStep):
    """The edit could not be applied; the app stays at the version it was."""

    STAGE: ClassVar[Stage] = Stage.edit_rejected
    reason: str = Field(max_length=2000)


class EditFellBack(ModelFellBack, EditStep):
    """The model could not make the edit's spec, so the deterministic editor tried instead."""

    STAGE: ClassVar[Stage] = Stage.editing


class NativeEvent(Event):
    """Base for the native stage's events (docs/expo.md): in the background, beside the
    generation and its edits, never moving the project's headline."""

    abstract: ClassVar[bool] = True
    STAGE: ClassVar[Stage] = Stage.native


class NativeBuildStarted(NativeEvent):
    """The Expo web build of one version (the spec at `position`) has started."""

    version: int = Field(ge=1)
    position: int = Field(ge=1, description="The event whose version is built.")


class NativeBuilt(NativeEvent):
    """The version's Expo web export: its files are in the blob store, served at
    `/preview/{token}/native/`."""

    version: int = Field(ge=1)
    position: int = Field(ge=1)
    seconds: float = Field(ge=0, description="The build's time: type check and bundle.")
    sdk: int = Field(ge=1, description="The Expo SDK it was built with.")
    files: tuple[BuiltFile, ...] = Field(min_length=1, max_length=2000)


class NativeBuildFailed(NativeEvent):
    """The version's build failed (a type error, a bundling error, a timeout); the app and its
    instant preview are unaffected."""

    version: int = Field(ge=1)
    position: int = Field(ge=1)
    seconds: float = Field(ge=0)
    reason: str = Field(max_length=2000)
    log_tail: str = Field(default="", max_length=16000)


class NativeBuildSkipped(NativeEvent):
    """No build is possible where the native stage runs (Node.js is missing)."""

    version: int = Field(ge=1)
    reason: str = Field(max_length=2000)


class NativePreviewStarted(NativeEvent):
    """A Metro dev server for Expo Go is starting for the project's version at `position`."""

    expo_url: str = Field(max_length=300, description="`exp://host:port`, for Expo Go.")
    version: int = Field(ge=1)
    position: int = Field(ge=1)


class NativePreviewReady(NativeEvent):
    """The Metro dev server answers: Expo Go can open `expo_url`."""

    expo_url: str = Field(max_length=300)
    seconds: float = Field(ge=0, description="From the start to the first answer.")


class NativePreviewStopped(NativeEvent):
    """The Metro dev server stopped: idle past its timeout, or its process was stopped."""

    reason: str = Field(max_length=2000)


class NativePreviewFailed(NativeEvent):
    """The Metro dev server could not start, or died."""

    reason: str = Field(max_length=2000)
    log_tail: str = Field(default="", max_length=16000)


def _without_preview_path(raw: Raw) -> Raw:
    """Schema 1 carried the preview's path, which the pipeline made and the gateway threw away."""
    raw.pop("preview_path", None)
    return raw


for _type in (PreviewReady, ProjectCompleted, EditApplied):
    upcaster(_type.__name__, 1)(_without_preview_path)
