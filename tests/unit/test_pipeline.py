"""The declared pipeline: inputs, outputs and ids that follow from it, never from emit order."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from appgen.events import (
    AnalysisCompleted,
    AnalysisStarted,
    Event,
    HandlerContext,
    ImageGenerated,
    ImagesCompleted,
    PreviewReady,
    ProjectFailed,
    ProjectRequested,
    ScreenAdded,
    ScreensCompleted,
    Stage,
    StageFailed,
    Worker,
)
from appgen.events.catalog.output_ids import UndeclaredOutput, made_by
from appgen.events.catalog.permissions import ROLES
from appgen.events.catalog.pipeline import (
    BACKGROUND,
    IMAGES,
    JOIN,
    SCREENS,
    STAGES,
)
from appgen.events.read.projection import is_main_path
from appgen.events.transport.worker import UndeclaredInput
from appgen.store.samples import sample_spec
from tests.stages import context, undeclared

pytestmark = pytest.mark.unit

ANALYSIS = AnalysisCompleted(project_id="p1", spec=sample_spec())


def draw(ctx: HandlerContext, names: list[str]) -> list[Event]:
    """What an images handler emits for these images, in this order, then its closing fact."""
    made: list[Event] = [
        ctx.emit(ImageGenerated, name=name, purpose="illustration", index=i, total=len(names))
        for i, name in enumerate(names)
    ]
    return [*made, ctx.emit(ImagesCompleted, count=len(names))]


def test_an_outputs_id_does_not_depend_on_what_was_emitted_before_it() -> None:
    # A conditional extra output first (here: one more image), or another order: with ids
    # counted by emit order, each later image would get another id and a redelivery would
    # store it twice.
    plain = {
        e.type + getattr(e, "name", ""): e.event_id
        for e in draw(context(ANALYSIS, "images"), ["b", "c"])
    }
    more = {
        e.type + getattr(e, "name", ""): e.event_id
        for e in draw(context(ANALYSIS, "images"), ["a", "c", "b"])
    }
    assert plain.items() <= more.items()


def test_a_second_output_with_the_same_key_is_refused() -> None:
    ctx = context(ANALYSIS, "images")
    ctx.emit(ImagesCompleted, count=1)
    with pytest.raises(UndeclaredOutput, match="second ImagesCompleted"):
        ctx.emit(ImagesCompleted, count=2)
    screens = context(PreviewReady(project_id="p1"), "screens")
    screens.emit(ScreenAdded, route="home", title="Home", index=0, total=2)
    with pytest.raises(UndeclaredOutput, match="'home'"):
        screens.emit(ScreenAdded, route="home", title="Home again", index=1, total=2)


def test_an_output_the_step_does_not_declare_is_refused() -> None:
    with pytest.raises(UndeclaredOutput, match="does not declare ScreensCompleted"):
        context(ANALYSIS, "images").emit(ScreensCompleted)
    # Declared for the stage, but for another of its inputs.
    with pytest.raises(UndeclaredOutput, match="ScreenAdded as an output of ProjectRequested"):
        context(ProjectRequested(project_id="p1", prompt="a todo app"), "analyzer").emit(
            ScreenAdded, route="x", title="X", index=0, total=1
        )


def test_a_worker_handles_exactly_its_declared_inputs() -> None:
    worker = Worker(IMAGES)
    with pytest.raises(UndeclaredInput, match="does not declare ProjectRequested"):
        worker.on(ProjectRequested)

    async def nothing(event: Event, ctx: HandlerContext) -> AsyncIterator[Event]:
        return
        yield

    worker.on(AnalysisCompleted)(nothing)
    with pytest.raises(UndeclaredInput, match="EditApplied"):
        worker.check_complete()


def test_the_checker_names_an_output_made_outside_the_declaration() -> None:
    request = ProjectRequested(project_id="p1", prompt="a todo app")
    started = context(request, "analyzer").emit(AnalysisStarted)
    assert undeclared([request, started]) == []
    assert made_by(started) is not None
    # The same fact with an id counted some other way: no declared key gives it.
    forged = started.model_copy(update={"event_id": ANALYSIS.event_id})
    assert undeclared([request, forged]) == [
        f"analyzer made AnalysisStarted of ProjectRequested ({ANALYSIS.event_id})"
    ]


def test_what_is_derived_from_the_declaration() -> None:
    assert {Stage.generating_images} == BACKGROUND
    assert not is_main_path(Stage.generating_images)
    assert (ScreensCompleted, ImagesCompleted) == JOIN
    assert SCREENS.band.at(0, 1) == SCREENS.band.last
    # A stage's NATS user may publish what the consumer loop publishes when it gives up.
    for declaration in STAGES:
        assert {StageFailed, ProjectFailed} <= set(ROLES[declaration.service].publishes)
