"""Resume plans, the resumed headline, fork copies and trace context: pure functions, no servers."""

from __future__ import annotations

import logging
import uuid

import pytest

from appgen.events import (
    AnalysisCompleted,
    AnalysisStarted,
    BaseGenerated,
    Event,
    EventMetadata,
    FileWrite,
    HandlerContext,
    ImageGenerated,
    ImagesCompleted,
    ModelCall,
    PreviewConfigured,
    PreviewReady,
    ProjectCompleted,
    ProjectCreated,
    ProjectFailed,
    ProjectForked,
    ProjectRequested,
    ProjectResumed,
    ScreenAdded,
    ScreensCompleted,
    Stage,
    StageFailed,
    project_event_id,
)
from appgen.events.read.fork import copy_history, fork_events
from appgen.events.read.projection import file_tree, fold
from appgen.events.read.resume import NothingToResume, resume_event, resume_plan
from appgen.events.transport.logs import bound_fields, bound_to, configure_logging
from appgen.events.transport.trace import (
    parse_traceparent,
    project_trace_id,
    trace_id_of,
    traceparent,
)
from appgen.store.samples import sample_history, sample_spec
from appgen.store.summary import advance
from tests.stages import context

pytestmark = pytest.mark.unit
PID = "p1"


def ctx(cause: Event, service: str) -> HandlerContext:
    return context(cause, service)


def pipeline_history(project_id: str = PID, *, screens: int = 3) -> list[Event]:
    """A whole project as the real stages emit it: every id derived from its cause."""
    spec = sample_spec(screens=screens)
    request = ProjectRequested(
        event_id=project_event_id(project_id, "ProjectRequested"),
        project_id=project_id,
        prompt="Create a todo list app",
        metadata=EventMetadata(service="gateway"),
    )
    analyzer = ctx(request, "analyzer")
    analysis = analyzer.emit(AnalysisCompleted, spec=spec)
    scaffolder = ctx(analysis, "scaffolder")
    preview = [
        scaffolder.emit(ProjectCreated, name=spec.name, slug=spec.slug),
        scaffolder.emit(
            BaseGenerated, files=(FileWrite.of_text("index.html", "<p>", "text/html"),)
        ),
        scaffolder.emit(PreviewConfigured, files=(FileWrite.of_text("sw.js", "//", "text/js"),)),
        scaffolder.emit(PreviewReady),
    ]
    images = ctx(analysis, "images")
    calls = (ModelCall(model="m", purpose="image", input_tokens=5, cost_usd=0.25),)
    image_events = [
        images.emit(
            ImageGenerated,
            name="icon",
            purpose="icon",
            index=0,
            total=1,
            files=(FileWrite.of_blob("icon.png", b"png", "image/png"),),
            model_calls=calls,
        ),
        images.emit(ImagesCompleted, count=1),
    ]
    screens_ctx = ctx(preview[-1], "screens")
    screen_events = [
        screens_ctx.emit(
            ScreenAdded,
            route=f"s{i}",
            title=f"S{i}",
            index=i,
            total=screens,
            files=(FileWrite.of_text(f"screens/s{i}.js", f"// {i}", "text/javascript"),),
        )
        for i in range(screens)
    ]
    done = screens_ctx.emit(ScreensCompleted, screens=tuple(f"s{i}" for i in range(screens)))
    finisher = ctx(done, "finisher")
    completed = finisher.emit(ProjectCompleted)
    return [
        request,
        analyzer.emit(AnalysisStarted),
        analysis,
        *preview,
        image_events[0],
        *screen_events,
        image_events[1],
        done,
        completed,
    ]


def test_the_plan_redoes_the_frontier_only() -> None:
    history = pipeline_history()
    by_type = {e.type: i for i, e in enumerate(history)}

    def upto(name: str) -> list[Event]:
        return history[: by_type[name] + 1]

    assert resume_plan(upto("ProjectRequested")).redo == (Stage.analyzing,)
    assert resume_plan(upto("AnalysisCompleted")).redo == (
        Stage.creating_project,
        Stage.generating_images,
    )
    assert resume_plan(upto("PreviewReady")).redo == (Stage.adding_screens, Stage.generating_images)
    assert resume_plan(upto("ImagesCompleted")).redo == (Stage.adding_screens,)
    assert resume_plan(upto("ScreensCompleted")).redo == (Stage.finalizing,)
    assert resume_plan(upto("ScreensCompleted")).resume_stage is Stage.finalizing
    with pytest.raises(NothingToResume):
        resume_plan(history)
    with pytest.raises(NothingToResume):
        resume_plan(history[1:3])


def _failed(history: list[Event], at: int) -> list[Event]:
    cause = history[at]
    failing = ctx(cause, "screens")
    return [
        *history[: at + 1],
        failing.emit(
            StageFailed,
            failed_stage=Stage.adding_screens,
            service="screens",
            reason="model down",
            input_type=cause.type,
            attempts=3,
        ),
        failing.emit(ProjectFailed, failed_stage=Stage.adding_screens, reason="model down"),
    ]


def test_a_resume_brings_a_failed_project_back_to_running_in_fold_and_summary() -> None:
    history = pipeline_history()
    failed = _failed(history, 8)  # after the first screen
    state = fold(enumerate(failed, start=1))
    assert (state.status, state.failure_reason) == ("failed", "model down")
    resumed = resume_event(failed, reason="test", metadata=EventMetadata(service="gateway"))
    assert resumed.redo == (Stage.adding_screens, Stage.generating_images)
    assert resumed.resume_stage is Stage.adding_screens
    records = list(enumerate([*failed, resumed], start=1))
    state = fold(records)
    assert (state.status, state.stage, state.resumes) == ("running", Stage.adding_screens, 1)
    assert state.failure_reason is None
    assert state.failed_stage is None
    assert state.stages["adding_screens"].status == "active"
    summary = advance(None, records)
    assert (summary.status, summary.stage, summary.progress, summary.failure_reason) == (
        state.status,
        state.stage,
        state.progress,
        None,
    )
    # The rest of the work completes it; a later failure would count again (first terminal wins).
    rest = [e for e in history if e.event_id not in {x.event_id for x in failed}]
    done = fold(enumerate([*failed, resumed, *rest], start=1))
    assert done.status == "complete"
    assert done.stages["adding_screens"].status == "done"


def test_a_completed_project_stays_complete_and_resume_ids_count_up() -> None:
    history = pipeline_history()
    bogus = ProjectResumed(project_id=PID, redo=(Stage.analyzing,), resume_stage=Stage.queued)
    assert fold(enumerate([*history, bogus], start=1)).status == "complete"
    failed = _failed(history, 8)
    first = resume_event(failed, reason="", metadata=EventMetadata())
    again = resume_event(failed, reason="", metadata=EventMetadata())
    second = resume_event([*failed, first], reason="", metadata=EventMetadata())
    assert first.event_id == again.event_id != second.event_id


def test_copies_get_the_ids_the_stages_would_give_them_in_the_fork() -> None:
    history = pipeline_history()
    copies = copy_history(enumerate(history, start=1), "f1", prompt="A changed prompt")
    assert [c.type for c in copies] == [e.type for e in history]
    assert all(c.project_id == "f1" for c in copies)
    assert [c.metadata.copied_from for c in copies] == [e.event_id for e in history]
    assert len({c.event_id for c in copies} | {e.event_id for e in history}) == 2 * len(history)
    assert all(not c.metadata.model_calls for c in copies)
    request, analysis = copies[0], copies[2]
    assert isinstance(request, ProjectRequested)
    assert request.prompt == "A changed prompt"
    assert request.event_id == project_event_id("f1", "ProjectRequested")
    # The stages, run on the copied inputs, emit exactly the copied ids.
    assert ctx(request, "analyzer").emit(AnalysisStarted).event_id == copies[1].event_id
    scaffolder = ctx(analysis, "scaffolder")
    for copy in copies[3:7]:
        assert scaffolder.emit(type(copy), **copy.data()).event_id == copy.event_id
    preview = copies[6]
    assert isinstance(preview, PreviewReady)
    assert preview.project_id == "f1"
    screens = ctx(preview, "screens")
    for copy in (c for c in copies if isinstance(c, ScreenAdded)):
        assert screens.emit(ScreenAdded, **copy.data()).event_id == copy.event_id
    assert copies[-1].event_id == project_event_id("f1", "ProjectCompleted:done")
    # Causation follows the copies, and the files are the source's.
    assert copies[1].metadata.causation_id == request.event_id
    assert file_tree(enumerate(copies)) == file_tree(enumerate(history))


def test_a_fork_records_its_origin_and_resumes_what_is_left() -> None:
    history = pipeline_history()
    prefix = list(enumerate(history[:9], start=10))  # up to the first screen
    events = fork_events(prefix, "f2", source_project_id=PID, source_position=18, model="x")
    forked, resumed = events[-2:]
    assert isinstance(forked, ProjectForked)
    assert forked.source_position == 18
    assert isinstance(resumed, ProjectResumed)
    assert resumed.redo == (Stage.adding_screens, Stage.generating_images)
    state = fold(enumerate(events, start=1))
    assert state.forked_from is not None
    assert (state.forked_from.project_id, state.forked_from.position) == (PID, 18)
    assert state.forked_from.model == "x"
    assert state.status == "running"
    # A fork of the whole history is complete at once: nothing to resume.
    whole = fork_events(
        enumerate(history, start=1), "f3", source_project_id=PID, source_position=len(history)
    )
    assert not any(isinstance(e, ProjectResumed) for e in whole)
    assert fold(enumerate(whole, start=1)).status == "complete"
    with pytest.raises(NothingToResume):
        fork_events(enumerate(history[1:3]), "f4", source_project_id=PID, source_position=3)


def test_a_fork_of_a_fork_keeps_its_own_origin_and_ids() -> None:
    history = pipeline_history()
    first = fork_events(
        enumerate(history[:9], start=1), "a", source_project_id=PID, source_position=9
    )
    second = fork_events(enumerate(first, start=1), "b", source_project_id="a", source_position=11)
    assert len({e.event_id for e in second}) == len(second)
    state = fold(enumerate(second, start=1))
    assert state.forked_from is not None
    assert state.forked_from.project_id == "a"


def test_a_fork_of_a_fork_keeps_its_sources_model_unless_it_names_another() -> None:
    history = pipeline_history()
    first = fork_events(
        enumerate(history[:9], start=1), "a", source_project_id=PID, source_position=9, model="x"
    )

    def model_of(events: list[Event]) -> str | None:
        # The stages read the last ProjectForked only (appgen.llm.project).
        forked = [e for e in events if isinstance(e, ProjectForked)][-1]
        return forked.model

    after = enumerate(first, start=1)
    assert model_of(fork_events(after, "b", source_project_id="a", source_position=11)) == "x"
    again = fork_events(
        enumerate(first, start=1), "c", source_project_id="a", source_position=11, model="y"
    )
    assert model_of(again) == "y"
    # Forked at a position before the source's ProjectForked: the source ran without it there.
    before = fork_events(
        enumerate(first[:5], start=1), "d", source_project_id="a", source_position=5
    )
    assert model_of(before) is None


def test_sample_failures_resume_in_the_screens_stage() -> None:
    history = sample_history(PID, fail=True)
    resume = resume_plan(history)
    assert Stage.adding_screens in resume.redo


def test_traceparent_round_trips_and_falls_back_to_the_project() -> None:
    event = ProjectRequested(
        project_id=PID, prompt="abc", metadata=EventMetadata(trace_id="a" * 32)
    )
    header = traceparent(event)
    assert header is not None
    assert parse_traceparent(header) == "a" * 32
    assert header.split("-")[2] == event.event_id.hex[:16]
    bare = ProjectRequested(project_id=PID, prompt="abc")
    assert traceparent(bare) is None
    assert trace_id_of(bare, {"traceparent": header}) == "a" * 32
    assert trace_id_of(bare, {"traceparent": "garbage"}) == project_trace_id(PID)
    assert parse_traceparent(f"00-{'0' * 32}-{'1' * 16}-01") is None
    assert project_trace_id(PID) == project_trace_id(PID) != project_trace_id("p2")


def test_bound_events_appear_on_every_log_line() -> None:
    root = logging.getLogger()
    saved, level = root.handlers[:], root.level
    configure_logging("test", json_lines=True)
    lines: list[logging.LogRecord] = []

    class Keep(logging.Handler):
        def emit(self, record: logging.LogRecord) -> None:
            lines.append(record)

    keep = Keep()
    for each in root.handlers[0].filters:
        keep.addFilter(each)
    root.addHandler(keep)
    event = ProjectRequested(project_id=PID, prompt="abc", event_id=uuid.uuid4())
    try:
        with bound_to(event, trace_id="t" * 32):
            assert bound_fields()["event_id"] == str(event.event_id)
            logging.getLogger("any.library").warning("inside")
        logging.getLogger("any.library").warning("outside")
    finally:
        root.handlers[:] = saved
        root.setLevel(level)
    inside, outside = lines[-2:]
    assert (inside.project_id, inside.event_id, inside.trace_id) == (  # type: ignore[attr-defined]
        PID,
        str(event.event_id),
        "t" * 32,
    )
    assert getattr(outside, "project_id", None) is None
    assert bound_fields() == {}
