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

import uuid
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from typing import Any, TypeVar

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
from appgen.events.catalog.ids import derived_event_id, project_event_id
from appgen.events.catalog.stages import Stage

E = TypeVar("E", bound=Event)

# The key of an output made at most once per input: "0", the ordinal the first ids were made
# with, so events written before keys were declared keep their ids.
ONCE = "0"


@dataclass(frozen=True)
class Output:
    """One kind of event a stage may make of an input, and how its id's key is found."""

    type: type[Event]
    # None: at most one per input (per project, for a request). Otherwise the key, from the
    # event's own data.
    key: Callable[[Any], str] | None = None
    # The id depends on the project and the key alone (a fact two paths may both reach).
    per_project: bool = False

    def key_of(self, event: Event) -> str:
        return ONCE if self.key is None else self.key(event)

    def id_key(self, event: Event) -> str:
        """What the id hashes besides the cause or project: the type and the key."""
        if self.key is None and self.per_project:
            return event.type
        return f"{event.type}:{self.key_of(event)}"


def once(event_type: type[Event]) -> Output:
    return Output(event_type)


def each(event_type: type[E], key: Callable[[E], str]) -> Output:
    return Output(event_type, key)


def per_project(event_type: type[E], key: Callable[[E], str] | None = None) -> Output:
    return Output(event_type, key, per_project=True)


@dataclass(frozen=True)
class Step:
    """A stage's handling of some input types, and every output it may make of them."""

    inputs: tuple[type[Event], ...]
    outputs: tuple[Output, ...]

    def output(self, event_type: type[Event]) -> Output | None:
        return next((o for o in self.outputs if o.type is event_type), None)


@dataclass(frozen=True)
class Band:
    """The part of the progress bar a stage's repeated outputs move across."""

    first: int
    last: int

    def at(self, index: int, total: int) -> int:
        """Progress after item `index` (0-based) of `total`, spread evenly up to `last`."""
        return self.first + (self.last - self.first) * (index + 1) // max(total, 1)


@dataclass(frozen=True)
class Generation:
    """A stage's part in generating a project (edits and the native builds have none).

    The stage runs once every event in `after` is in the log, and is done with `done`: a resume
    redoes the stages whose inputs are there and whose `done` is not. A `background` stage runs
    beside the main path and never moves the project's headline.
    """

    after: tuple[type[Event], ...]
    done: type[Event]
    band: Band | None = None
    background: bool = False


@dataclass(frozen=True)
class StageDeclaration:
    """One stage: its service (the durable consumer's name), the stage a failure is reported
    against, its steps, and its part in a generation."""

    service: str
    stage: Stage
    steps: tuple[Step, ...]
    generation: Generation | None = None
    # Events it publishes outside any handler (the native stage's Expo Go servers).
    announces: tuple[type[Event], ...] = ()
    calls_models: bool = False

    @property
    def band(self) -> Band:
        """The progress band its repeated outputs move across."""
        if self.generation is None or self.generation.band is None:
            raise LookupError(f"{self.service} declares no progress band")
        return self.generation.band

    @property
    def inputs(self) -> tuple[type[Event], ...]:
        return tuple(t for step in self.steps for t in step.inputs)

    def step_for(self, event_type: type[Event]) -> Step | None:
        return next((s for s in self.steps if event_type in s.inputs), None)

    def publishes(self) -> tuple[type[Event], ...]:
        """Every type it may publish: its steps' outputs, what the consumer loop publishes when
        it gives up on an input, and its announcements."""
        made = [o.type for step in self.steps for o in step.outputs]
        made += [o.type for o in GIVING_UP.outputs] + list(self.announces)
        return tuple(dict.fromkeys(made))


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
                # Keyed by how far the answer had got: a rerun streams a new answer anyway.
                each(AnalysisProgressed, lambda e: str(e.output_chars)),
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
        ),
    ),
    generation=Generation(after=(AnalysisCompleted,), done=PreviewReady),
)
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


class UndeclaredOutput(TypeError):
    """An output its step does not declare, or a second one with the same key: its id would
    not be the one a rerun of the input makes (`catalog.pipeline`)."""


def output_id(output: Output, event: Event, service: str, cause: uuid.UUID | None) -> uuid.UUID:
    """The id `output` gets for `event`, made by `service` of the input with id `cause`: from
    the declared key alone (and the project, for a per-project output)."""
    if output.per_project:
        return project_event_id(event.project_id, output.id_key(event))
    if cause is None:
        raise UndeclaredOutput(f"{event.type} by {service} has no cause to derive its id from")
    return derived_event_id(cause, f"{service}:{output.id_key(event)}")


def made_by(event: Event) -> Output | None:
    """The declared output that gave `event` its id (its service's, of its cause), if any: an
    event no declaration made, or whose id its key does not give, has none."""
    service, cause = event.metadata.service, event.metadata.causation_id
    for output in declared_outputs(service, type(event)):
        derivable = output.per_project or cause is not None
        if derivable and output_id(output, event, service, cause) == event.event_id:
            return output
    return None


def request_id(event: Event) -> uuid.UUID:
    """The id of an event the gateway publishes on a person's behalf (`pipeline.REQUESTS`)."""
    output = REQUESTS.output(type(event))
    if output is None:
        raise UndeclaredOutput(f"{event.type} is not a request the gateway declares")
    return project_event_id(event.project_id, output.id_key(event))


def as_request(event: E) -> E:
    """`event` with its declared request id."""
    return event.model_copy(update={"event_id": request_id(event)})


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
