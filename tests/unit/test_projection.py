"""The projection (fold) over hand-built event sequences: stages, progress, timings, files, usage."""

from __future__ import annotations

import itertools
import json
from datetime import UTC, datetime, timedelta

import pytest

from appgen.events import (
    AnalysisStarted,
    BaseGenerated,
    ComponentsAdded,
    Event,
    EventMetadata,
    FileWrite,
    ImageGenerated,
    ImagesCompleted,
    ModelCall,
    PreviewReady,
    ProjectCompleted,
    ProjectCreated,
    ProjectFailed,
    ProjectRequested,
    ScreenAdded,
    ScreensCompleted,
    Stage,
    StageFailed,
    decode,
)
from appgen.events.read.projection import Headline, file_tree, fold
from appgen.store.summary import advance

pytestmark = pytest.mark.unit

PID = "p1"
T0 = datetime(2025, 1, 1, tzinfo=UTC)


def at(seconds: float) -> datetime:
    return T0 + timedelta(seconds=seconds)


def html(path: str, text: str) -> FileWrite:
    return FileWrite.of_text(path, text, "text/html")


def image(i: int, seconds: float, total: int = 2) -> ImageGenerated:
    return ImageGenerated(
        project_id=PID,
        name=f"img{i}",
        purpose="icon",
        index=i,
        total=total,
        occurred_at=at(seconds),
        files=(FileWrite.of_blob(f"img/{i}.png", b"png", "image/png"),),
    )


def screen(i: int, seconds: float, progress: int, total: int = 2) -> ScreenAdded:
    return ScreenAdded(
        project_id=PID,
        route=f"r{i}",
        title=f"Screen {i}",
        index=i,
        total=total,
        progress=progress,
        occurred_at=at(seconds),
        files=(html(f"screens/r{i}.js", f"screen {i}"),),
    )


def opening() -> list[Event]:
    return [
        ProjectRequested(project_id=PID, prompt="a todo app", occurred_at=at(0)),
        AnalysisStarted(project_id=PID, occurred_at=at(1)),
        ProjectCreated(
            project_id=PID, name="Todo", slug="todo", screens_planned=("a", "b"), occurred_at=at(3)
        ),
        BaseGenerated(project_id=PID, occurred_at=at(4), files=(html("index.html", "v1"),)),
        PreviewReady(project_id=PID, occurred_at=at(6)),
    ]


def numbered(events: list[Event]) -> list[tuple[int, Event]]:
    return [(i + 1, e) for i, e in enumerate(events)]


def test_stage_is_the_furthest_main_path_stage_and_images_do_not_move_it() -> None:
    events = [*opening(), image(0, 7), screen(0, 8, progress=50), image(1, 9)]
    state = fold(numbered(events))
    assert state.stage is Stage.adding_screens
    assert state.progress == 50  # the image's own progress (40) is ignored
    assert state.status == "running"
    assert state.name == "Todo"
    assert state.slug == "todo"
    assert state.prompt == "a todo app"
    assert state.preview_ready
    assert state.screens_total == 2
    assert [s.route for s in state.screens] == ["r0"]
    assert [(i.name, i.path) for i in state.images] == [
        ("img0", "img/0.png"),
        ("img1", "img/1.png"),
    ]


def test_images_give_the_stage_only_when_nothing_else_has() -> None:
    assert fold([(1, image(0, 1))]).stage is Stage.generating_images
    assert fold([(1, image(0, 1))]).progress == 0


def test_a_stage_is_done_when_a_later_main_stage_starts() -> None:
    events = [*opening(), image(0, 7), screen(0, 8, progress=50)]
    stages = fold(numbered(events)).stages
    assert stages["queued"].status == "done"
    assert stages["queued"].duration_ms == 1000
    assert stages["analyzing"].finished_at == at(3)  # when creating_project started
    assert stages["preview_ready"].status == "done"
    assert stages["adding_screens"].status == "active"
    assert stages["adding_screens"].started_at == at(8)
    assert stages["generating_images"].status == "active"
    assert stages["finalizing"].status == "pending"
    # A stage that was never seen is still done once the path has passed it.
    assert stages["setting_up_preview"].status == "done"
    assert stages["setting_up_preview"].started_at is None


def test_images_are_done_when_images_completed_arrives() -> None:
    events = [
        *opening(),
        image(0, 7),
        image(1, 9),
        ImagesCompleted(project_id=PID, count=2, occurred_at=at(10)),
    ]
    timing = fold(numbered(events)).stages["generating_images"]
    assert timing.status == "done"
    assert (timing.started_at, timing.finished_at, timing.duration_ms) == (at(7), at(10), 3000)


def test_completion_finishes_everything() -> None:
    events = [
        *opening(),
        screen(0, 8, progress=50),
        screen(1, 9, progress=70),
        image(0, 10, total=1),
        ComponentsAdded(
            project_id=PID,
            components=("header", "list"),
            occurred_at=at(11),
            files=(html("screens/r0.js", "screen 0 v2"), html("c/header.js", "h")),
        ),
        ScreensCompleted(project_id=PID, screens=("r0", "r1"), occurred_at=at(12)),
        ProjectCompleted(project_id=PID, occurred_at=at(14)),
    ]
    state = fold(numbered(events))
    assert (state.stage, state.status, state.progress) == (Stage.complete, "complete", 100)
    assert {t.status for t in state.stages.values()} == {"done"}
    assert state.stages["generating_images"].finished_at == at(14)
    assert state.components == ["header", "list"]
    assert state.files == 5  # index, r0 (written twice), r1, img/0.png, c/header.js
    assert (state.created_at, state.updated_at) == (at(0), at(14))
    assert state.last_position == state.event_count == len(events)


def test_failure_is_terminal_and_names_its_stage() -> None:
    reason = "screens gave up"
    events = [
        *opening(),
        screen(0, 8, progress=50),
        StageFailed(
            project_id=PID,
            failed_stage=Stage.adding_screens,
            service="screens",
            reason=reason,
            input_type="PreviewReady",
            attempts=5,
            occurred_at=at(20),
        ),
        ProjectFailed(
            project_id=PID, failed_stage=Stage.adding_screens, reason=reason, occurred_at=at(21)
        ),
        ProjectCompleted(project_id=PID, occurred_at=at(22)),
    ]
    state = fold(numbered(events))
    assert (state.stage, state.status, state.progress) == (Stage.failed, "failed", 50)
    assert state.failure_reason == reason
    assert state.failed_stage is Stage.adding_screens
    assert state.stages["adding_screens"].status == "failed"
    assert state.stages["adding_screens"].finished_at == at(20)
    assert state.stages["complete"].status == "pending"


def test_model_usage_is_summed_per_stage_and_overall() -> None:
    def calls(*tokens: int) -> EventMetadata:
        return EventMetadata(
            model_calls=tuple(
                ModelCall(model="m", purpose="p", input_tokens=t, output_tokens=1, cost_usd=0.5)
                for t in tokens
            )
        )

    events = [
        ProjectRequested(project_id=PID, prompt="a todo app", occurred_at=at(0)),
        AnalysisStarted(project_id=PID, occurred_at=at(1), metadata=calls(10, 20)),
        ScreenAdded(
            project_id=PID,
            route="r",
            title="R",
            index=0,
            total=1,
            occurred_at=at(2),
            metadata=calls(5),
        ),
    ]
    state = fold(numbered(events))
    assert (state.usage.calls, state.usage.input_tokens, state.usage.output_tokens) == (3, 35, 3)
    assert state.usage.cost_usd == pytest.approx(1.5)
    assert state.usage_by_stage["analyzing"].input_tokens == 30
    assert state.usage_by_stage["adding_screens"].calls == 1
    assert "queued" not in state.usage_by_stage


def test_fold_orders_by_position_and_ignores_repeated_event_ids() -> None:
    events = opening()
    shuffled = [(5, events[4]), (1, events[0]), (3, events[2]), (2, events[1]), (4, events[3])]
    repeated = [*shuffled, (9, events[2])]
    assert fold(repeated) == fold(numbered(events))
    assert fold(repeated).event_count == 5
    assert fold(repeated).last_position == 5


def test_fold_refuses_nothing_and_mixed_projects() -> None:
    with pytest.raises(ValueError, match="at least one"):
        fold([])
    other = ProjectRequested(project_id="p2", prompt="another app", occurred_at=at(0))
    with pytest.raises(ValueError, match="p2"):
        fold([(1, opening()[0]), (2, other)])


def test_file_tree_keeps_each_paths_latest_write() -> None:
    first = BaseGenerated(project_id=PID, files=(html("index.html", "v1"), html("a.css", "a")))
    second = BaseGenerated(project_id=PID, files=(html("index.html", "v2"),))
    tree = file_tree([(2, second), (1, first), (3, AnalysisStarted(project_id=PID))])
    assert tree["index.html"].text == "v2"
    assert sorted(tree) == ["a.css", "index.html"]
    assert file_tree([(1, first)])["index.html"].text == "v1"


def test_headline_terminal_is_sticky() -> None:
    done = Headline().step(ProjectCompleted(project_id=PID))
    assert done.step(AnalysisStarted(project_id=PID)) == done
    assert (
        done.step(ProjectFailed(project_id=PID, failed_stage=Stage.analyzing, reason="r")) == done
    )


@pytest.mark.parametrize("cuts", [(), (3,), (1, 6, 9), tuple(range(1, 20))])
def test_summary_rows_advanced_in_batches_agree_with_the_fold(cuts: tuple[int, ...]) -> None:
    events = [*opening(), image(0, 7), screen(0, 8, 50), screen(1, 9, 70), image(1, 10)]
    events.append(ImagesCompleted(project_id=PID, count=2, occurred_at=at(11)))
    events.append(ProjectCompleted(project_id=PID, occurred_at=at(12)))
    records = numbered(events)
    summary = None
    bounds = [0, *[c for c in cuts if c < len(records)], len(records)]
    for lo, hi in itertools.pairwise(bounds):
        if lo < hi:
            summary = advance(summary, records[lo:hi])
    state = fold(records)
    assert summary is not None
    assert (summary.stage, summary.status, summary.progress) == (
        state.stage,
        state.status,
        state.progress,
    )
    assert (summary.name, summary.prompt, summary.preview_ready) == (
        state.name,
        state.prompt,
        state.preview_ready,
    )
    assert summary.event_count == state.event_count


@pytest.mark.parametrize("kind", ["PreviewReady", "ProjectCompleted", "EditApplied"])
def test_events_stored_with_a_preview_path_read_as_todays_schema(kind: str) -> None:
    # Schema 1 carried the preview's path; stored events are upcast, never rewritten.
    extra = {"edit_id": "e" * 32, "version": 2, "prompt": "p", "changes": []}
    data = {"project_id": PID, "preview_path": f"/preview/{PID}/", "schema_version": 1}
    if kind == "EditApplied":
        data |= extra
    event = decode(f"appgen.events.{PID}.{kind}", json.dumps(data).encode())
    assert event.schema_version == 2
    assert "preview_path" not in event.model_dump()
