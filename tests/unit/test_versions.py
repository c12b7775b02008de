"""The fold of versions and edits, and what a fork does with an edit that was not finished."""

from __future__ import annotations

import uuid
from collections.abc import Sequence

from appgen.events import (
    AnalysisCompleted,
    BaseRevised,
    EditApplied,
    EditRejected,
    EditRequested,
    EditStarted,
    Event,
    FileWrite,
    ProjectCompleted,
    ProjectFailed,
    ProjectRequested,
    SpecRevised,
    edit_queue,
)
from appgen.events.read.fork import FORKED_BEFORE_EDIT, fork_events
from appgen.events.read.projection import file_tree, fold
from appgen.render.samples import kitchen_sink
from appgen.spec import AppSpec, diff

PROJECT = "p1"
SPEC = kitchen_sink()
DARK = SPEC.model_copy(update={"theme": SPEC.theme.model_copy(update={"appearance": "dark"})})


def edit_id(n: int) -> str:
    return uuid.UUID(int=n).hex


def generated() -> list[Event]:
    return [
        ProjectRequested(project_id=PROJECT, prompt="A kitchen sink"),
        AnalysisCompleted(project_id=PROJECT, spec=SPEC),
        ProjectCompleted(project_id=PROJECT),
    ]


def requested(n: int, prompt: str = "make it dark", restore: int | None = None) -> EditRequested:
    return EditRequested(
        project_id=PROJECT, edit_id=edit_id(n), prompt=prompt, restore=restore, expected_version=2
    )


def applied(n: int, version: int, spec: AppSpec) -> list[Event]:
    return [
        EditStarted(project_id=PROJECT, edit_id=edit_id(n), base_version=version - 1),
        SpecRevised(
            project_id=PROJECT,
            edit_id=edit_id(n),
            version=version,
            spec=spec,
            changes=diff(SPEC, DARK) or diff(DARK, SPEC),
        ),
        EditApplied(
            project_id=PROJECT,
            edit_id=edit_id(n),
            version=version,
            prompt="make it dark",
            changes=("dark",),
        ),
    ]


def numbered(events: Sequence[Event]) -> list[tuple[int, Event]]:
    return list(enumerate(events, start=1))


def test_an_edit_waits_for_the_generation_then_for_the_edit_before_it() -> None:
    request = ProjectRequested(project_id=PROJECT, prompt="A kitchen sink")
    early = numbered([request, requested(1), requested(2)])
    queue = edit_queue(early)
    assert queue.generation == "running"
    assert queue.next_edit() is None
    assert queue.head == 3

    done = numbered([*generated(), requested(1), requested(2)])
    queue = edit_queue(done)
    first = queue.next_edit()
    assert first is not None
    assert first.edit_id == edit_id(1)
    running = numbered([*generated(), requested(1), requested(2), applied(1, 2, DARK)[0]])
    assert edit_queue(running).next_edit() is None


def test_versions_and_specs_follow_applied_edits_only() -> None:
    history = [
        *generated(),
        requested(1),
        *applied(1, 2, DARK),
        requested(2, "qwerty"),
        EditStarted(project_id=PROJECT, edit_id=edit_id(2), base_version=2),
        EditRejected(project_id=PROJECT, edit_id=edit_id(2), reason="not understood"),
        requested(3, "Restore version 1", restore=1),
        *applied(3, 3, SPEC),
    ]
    queue = edit_queue(numbered(history))
    assert queue.version == 3
    assert [v.number for v in queue.versions] == [1, 2, 3]
    assert queue.versions[2].restored_from == 1
    assert queue.specs == {1: SPEC, 2: DARK, 3: SPEC}
    assert [e.status for e in queue.edits.values()] == ["applied", "rejected", "applied"]
    state = fold(numbered(history))
    # The generation's headline is untouched by what came after it.
    assert (state.status, state.stage, state.progress) == ("complete", "complete", 100)
    assert state.version == 3
    assert state.edits[1].reason == "not understood"


def test_a_failed_generation_leaves_queued_edits_unstarted() -> None:
    history = [
        ProjectRequested(project_id=PROJECT, prompt="A kitchen sink"),
        requested(1),
        ProjectFailed(project_id=PROJECT, failed_stage="analyzing", reason="x"),
    ]
    queue = edit_queue(numbered(history))
    assert queue.generation == "failed"
    assert queue.next_edit() is None
    assert [e.status for e in queue.queued] == ["queued"]


def test_removed_files_leave_the_tree() -> None:
    page = FileWrite.of_text("app/screens/old.js", "x", "text/javascript")
    history = [
        BaseRevised(project_id=PROJECT, edit_id=edit_id(1), files=(page,)),
        BaseRevised(project_id=PROJECT, edit_id=edit_id(1), removed=("app/screens/old.js",)),
    ]
    assert file_tree(numbered(history[:1])) == {page.path: page}
    assert file_tree(numbered(history)) == {}


def test_a_fork_drops_a_half_made_edit_and_rejects_the_unfinished_ones() -> None:
    half = BaseRevised(
        project_id=PROJECT,
        edit_id=edit_id(2),
        files=(FileWrite.of_text("app/spec.js", "half", "text/javascript"),),
    )
    source = numbered(
        [
            *generated(),
            requested(1),
            *applied(1, 2, DARK),
            requested(2, "use a green accent"),
            EditStarted(project_id=PROJECT, edit_id=edit_id(2), base_version=2),
            half,
            requested(3, "add search"),
        ]
    )
    events = fork_events(source, "p2", source_project_id=PROJECT, source_position=len(source))
    copied = [e for e in events if e.metadata.copied_from is not None]
    assert not any(e.metadata.copied_from == half.event_id for e in copied)
    rejected = [e for e in events if isinstance(e, EditRejected)]
    assert sorted(e.edit_id for e in rejected) == [edit_id(2), edit_id(3)]
    assert all(e.reason == FORKED_BEFORE_EDIT for e in rejected)
    queue = edit_queue(numbered(events))
    assert queue.version == 2
    assert queue.spec == DARK
    assert queue.running is None
    assert queue.queued == []
