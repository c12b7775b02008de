"""The pipeline, declared once: each stage, the events it takes in, what it makes of each, and
its place in a generation.

    ProjectRequested ─analyzer→ AnalysisCompleted ─scaffolder→ PreviewReady ─screens→ ScreensCompleted ─┐
                                        └──────────images→ ImagesCompleted ──────────────────finisher→ ProjectCompleted

Everything that depends on the shape of the pipeline is derived from `STAGES` below, never
written again: the worker's inputs (`Worker` refuses a handler for an undeclared input and a
loop for a worker that misses one), the outputs a handler may emit and their ids
(`HandlerContext.emit` refuses anything else), what a resume redoes (`read.resume`), which
stage runs in the background of the headline (`read.projection`), the finisher's join, the
progress bands, who may publish what on NATS (`permissions`) and the AsyncAPI document.

An output's id is `uuid5(cause, "service:Type:key")`: the key is "0" for an output made at most
once per input, and otherwise the declared function of the output's own data (a screen's
route, an image's name), so no id depends on what else a handler emitted before it. A
redelivered or resumed input therefore republishes exactly the ids of its first run, and a
fork recomputes its copies' ids from the same keys. `per_project` outputs are facts two paths
may both reach (the join at the end, an edit's start): their id depends on the project and the
key alone.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping

from appgen.events.catalog.declaration import (
    Band,
    Generation,
    Output,
    StageDeclaration,
    Step,
    each,
    once,
    per_project,
)
from appgen.events.catalog.envelope import Event
from appgen.events.catalog.events import (
    AnalysisCompleted,
    AnalysisFellBack,
    AnalysisProgressed,
    AnalysisStarted,
    BaseGenerated,
    BaseRevised,
    BudgetExhausted,
    ComponentsAdded,
    EditApplied,
    EditFellBack,
    EditRejected,
    EditRequested,
    EditStarted,
    ImageFellBack,
    ImageGenerated,
    ImagesCompleted,
    NativeBuildFailed,
    NativeBuildSkipped,
    NativeBuildStarted,
    NativeBuilt,
    NativePreviewFailed,
    NativePreviewReady,
    NativePreviewStarted,
    NativePreviewStopped,
    PreviewConfigured,
    PreviewReady,
    ProjectCompleted,
    ProjectCreated,
    ProjectFailed,
    ProjectForked,
    ProjectRequested,
    ScreenAdded,
    ScreenFellBack,
    ScreenRemoved,
    ScreensCompleted,
    ScreenUpdated,
    SpecRevised,
    StageFailed,
)
from appgen.events.catalog.stages import Stage

# What the consumer loop publishes for any stage that gives up on an input (consumer.py): an
# edit's step rejects the edit; anything else fails the stage and then the project.
GIVING_UP = Step(
    inputs=(),
    outputs=(
        once(StageFailed),
        once(ProjectFailed),
        per_project(EditRejected, lambda e: f"gave-up:{e.edit_id}"),
    ),
)
# What can end a busy stretch (the generation completing, an edit applied or rejected) or start
# a queue of edits (an edit requested): each wakes the finisher's edit scheduler.
EDIT_WAKES: tuple[type[Event], ...] = (
    EditRequested,
    EditApplied,
    EditRejected,
    ProjectCompleted,
    ProjectFailed,
)
# A stage that calls a model stops with this when the project's budget is spent.
SPENT = once(BudgetExhausted)

ANALYZER = StageDeclaration(
    "analyzer",
    Stage.analyzing,
    steps=(
        Step(
            (ProjectRequested,),
            (
                once(AnalysisStarted),
                # Keyed by how many screens the answer named so far, which only grows (a
                # progress event is sent only when it does).
                each(AnalysisProgressed, lambda e: str(len(e.screens))),
                once(AnalysisFellBack),
                once(AnalysisCompleted),
                SPENT,
            ),
        ),
        Step(
            (EditStarted,),
            (once(EditFellBack), once(EditRejected), once(SpecRevised), SPENT),
        ),
    ),
    generation=Generation(after=(ProjectRequested,), done=AnalysisCompleted),
    calls_models=True,
)
SCAFFOLDER = StageDeclaration(
    "scaffolder",
    Stage.creating_project,
    steps=(
        Step(
            (AnalysisCompleted,),
            (
                once(ProjectCreated),
                once(BaseGenerated),
                once(PreviewConfigured),
                once(PreviewReady),
            ),
            # A preview is never ready without its files, and takes one round trip, not four.
            together=True,
        ),
    ),
    generation=Generation(after=(AnalysisCompleted,), done=PreviewReady),
)
# A preview being made: from a generation's request until its PreviewReady, or its failure. The
# images stage's drawing yields to these (`appgen.images.previews`), heard on plain
# subscriptions its NATS user is granted (`permissions`).
PREVIEW_STARTS: tuple[type[Event], ...] = (ProjectRequested,)
PREVIEW_ENDS: tuple[type[Event], ...] = (PreviewReady, ProjectFailed)
SCREENS = StageDeclaration(
    "screens",
    Stage.adding_screens,
    steps=(
        Step(
            (PreviewReady,),
            (
                each(ScreenFellBack, lambda e: e.part),
                each(ScreenAdded, lambda e: e.route),
                once(ComponentsAdded),
                once(ScreensCompleted),
                SPENT,
            ),
        ),
        Step(
            (SpecRevised,),
            (
                each(ScreenFellBack, lambda e: e.part),
                each(ScreenAdded, lambda e: e.route),
                each(ScreenUpdated, lambda e: e.route),
                each(ScreenRemoved, lambda e: e.route),
                once(ComponentsAdded),
                once(BaseRevised),
                once(EditApplied),
                SPENT,
            ),
        ),
    ),
    generation=Generation(after=(PreviewReady,), done=ScreensCompleted, band=Band(45, 80)),
    calls_models=True,
)
IMAGES = StageDeclaration(
    "images",
    Stage.generating_images,
    steps=(
        Step(
            (AnalysisCompleted,),
            (
                each(ImageFellBack, lambda e: e.part),
                each(ImageGenerated, lambda e: e.name),
                once(ImagesCompleted),
                SPENT,
            ),
        ),
        # An applied edit that added a list gets that list's illustration.
        Step((EditApplied,), (each(ImageGenerated, lambda e: e.name),)),
    ),
    generation=Generation(
        after=(AnalysisCompleted,), done=ImagesCompleted, band=Band(40, 90), background=True
    ),
    calls_models=True,
)
FINISHER = StageDeclaration(
    "finisher",
    Stage.finalizing,
    steps=(
        # The join: whichever branch's end is handled second completes the project.
        Step(
            (ScreensCompleted, ImagesCompleted), (per_project(ProjectCompleted, lambda e: "done"),)
        ),
        # Edits take turns: these wake the scheduler (docs/edits.md).
        Step(
            EDIT_WAKES,
            (
                per_project(EditStarted, lambda e: f"start:{e.edit_id}"),
                per_project(EditRejected, lambda e: f"failed:{e.edit_id}"),
            ),
        ),
    ),
    generation=Generation(after=(ScreensCompleted, ImagesCompleted), done=ProjectCompleted),
)
NATIVE = StageDeclaration(
    "native",
    Stage.native,
    steps=(
        Step(
            (ProjectCompleted, EditApplied),
            (
                once(NativeBuildSkipped),
                once(NativeBuildStarted),
                once(NativeBuilt),
                once(NativeBuildFailed),
            ),
        ),
    ),
    announces=(NativePreviewStarted, NativePreviewReady, NativePreviewStopped, NativePreviewFailed),
)

# What the gateway publishes on a person's behalf (and a fork on the fork's): an id per
# project and key, so a retried request is one fact. A resume's id counts the resumes before it
# (two racing requests make one), so it is no function of its data and is not declared here.
REQUESTS = Step(
    inputs=(),
    outputs=(
        per_project(ProjectRequested),
        per_project(EditRequested, lambda e: e.edit_id),
        per_project(ProjectForked, lambda e: f"{e.source_project_id}:{e.source_position}"),
        per_project(EditRejected, lambda e: f"forked:{e.edit_id}"),
    ),
)
GATEWAY = "gateway"

# In the order a generation reaches them.
STAGES: tuple[StageDeclaration, ...] = (ANALYZER, SCAFFOLDER, SCREENS, IMAGES, FINISHER, NATIVE)
BY_SERVICE: Mapping[str, StageDeclaration] = {d.service: d for d in STAGES}


def generation_stages() -> Iterator[tuple[StageDeclaration, Generation]]:
    for declaration in STAGES:
        if declaration.generation is not None:
            yield declaration, declaration.generation


# Stages beside the main path: they never move a project's headline.
BACKGROUND: frozenset[Stage] = frozenset(d.stage for d, g in generation_stages() if g.background)
# The branches the finisher joins.
JOIN: tuple[type[Event], ...] = FINISHER.generation.after if FINISHER.generation else ()


def publishes(declaration: StageDeclaration) -> tuple[type[Event], ...]:
    """Every type a stage may publish: its steps' outputs, what the consumer loop publishes when
    it gives up on an input, and its announcements."""
    made = [o.type for step in declaration.steps for o in step.outputs]
    made += [o.type for o in GIVING_UP.outputs] + list(declaration.announces)
    return tuple(dict.fromkeys(made))


def declared_outputs(service: str, event_type: type[Event]) -> tuple[Output, ...]:
    """Every declaration of `event_type` as an output of `service`, the loop's give-up ones
    included: a fork checks which of them made an event's id."""
    if service == GATEWAY:
        steps: tuple[Step, ...] = (REQUESTS,)
    elif service in BY_SERVICE:
        steps = (*BY_SERVICE[service].steps, GIVING_UP)
    else:
        return ()
    return tuple(o for step in steps for o in step.outputs if o.type is event_type)


def describe() -> str:
    """The declaration as a Markdown table, for docs/architecture.md (a test keeps it current)."""
    rows = ["| Stage (service) | Takes | Makes | In a generation |", "| --- | --- | --- | --- |"]
    for declaration in STAGES:
        generation = declaration.generation
        part = ""
        if generation is not None:
            after = " + ".join(t.__name__ for t in generation.after)
            part = f"after {after}, done at {generation.done.__name__}"
            if generation.band is not None:
                part += f", progress {generation.band.first} to {generation.band.last}%"
            if generation.background:
                part += ", in the background"
        for index, step in enumerate(declaration.steps):
            name = f"`{declaration.stage.value}` ({declaration.service})" if index == 0 else ""
            takes = ", ".join(t.__name__ for t in step.inputs)
            makes = ", ".join(_described(o) for o in step.outputs)
            rows.append(f"| {name} | {takes} | {makes} | {part if index == 0 else ''} |")
        if declaration.announces:
            announced = ", ".join(t.__name__ for t in declaration.announces)
            rows.append(f"| | (its own servers) | {announced} | |")
    giving_up = ", ".join(_described(o) for o in GIVING_UP.outputs)
    rows.append(f"| any stage | an input it gives up on | {giving_up} | |")
    requests = ", ".join(_described(o) for o in REQUESTS.outputs)
    rows.append(f"| gateway | a person's request | {requests}, ProjectResumed | |")
    return "\n".join(rows) + "\n"


def _described(output: Output) -> str:
    name = output.type.__name__
    if output.per_project:
        return f"{name} (per project)"
    return f"{name} (each)" if output.key is not None else name
