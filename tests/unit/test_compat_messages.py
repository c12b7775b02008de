"""The earlier generator's fields in each WebSocket message, folded per socket, without servers."""

from __future__ import annotations

import json
from typing import Any

import pytest

from appgen.events import Event, ProjectCompleted, ScreenAdded
from appgen.events.catalog.stages import EDIT_STAGES, Stage
from appgen.events.read.projection import fold
from appgen.gateway.compat import LEGACY_STAGES, LegacyView, legacy_stage
from appgen.gateway.compat.messages import MAX_NAME, MAX_SCREENS
from appgen.gateway.messages import FeedItem
from appgen.store.samples import sample_history
from tests.earlier import EARLIER_STAGES

pytestmark = pytest.mark.unit

ORIGIN = "http://127.0.0.1:8000"
# appgen's stages that step for which the earlier generator had no name.
WITHOUT_AN_EARLIER_NAME = {Stage.queued, Stage.finalizing, *EDIT_STAGES, Stage.native}
SIGNED = "/preview/abc.signature/"


def items(history: list[Event]) -> list[FeedItem]:
    return [FeedItem(p, e, preview_path=SIGNED) for p, e in enumerate(history, start=1)]


def render_all(history: list[Event], view: LegacyView | None = None) -> list[dict[str, Any]]:
    view = view or LegacyView(ORIGIN)
    return [json.loads(view.render(item)) for item in items(history)]


def test_every_stage_has_its_earlier_name_where_one_means_the_same() -> None:
    assert set(LEGACY_STAGES) == set(Stage)
    for stage in Stage:
        if stage in WITHOUT_AN_EARLIER_NAME:
            assert legacy_stage(stage) == stage.value
        else:
            assert legacy_stage(stage) in EARLIER_STAGES
    assert legacy_stage(Stage.adding_screens) == "generating_screens"
    assert legacy_stage(Stage.setting_up_preview) == "starting_server"
    assert legacy_stage(Stage.failed) == "error"


def test_each_message_has_appgens_fields_and_the_earlier_ones() -> None:
    history = sample_history(screens=3, images=2)
    messages = render_all(history)
    for message, event in zip(messages, history, strict=True):
        data = message["data"]
        assert message["stage"] == event.current_stage.value  # appgen's own stage
        assert message["event_type"] == event.type
        assert data["stage"] == legacy_stage(event.current_stage)
        assert data.keys() >= {"stage", "message", "progress", "preview_url", "screens_added"}
        assert data["error"] is None
        assert isinstance(data["screens_added"], list)
    stages = [m["data"]["stage"] for m in messages]
    assert "adding_screens" not in stages
    assert {"analyzing", "starting_server", "preview_ready", "generating_screens"} <= set(stages)


def test_screens_grow_as_a_list_of_names_and_the_preview_url_is_absolute() -> None:
    history = sample_history(screens=3, images=2)
    messages = render_all(history)
    lists = [m["data"]["screens_added"] for m in messages if m["event_type"] == "ScreenAdded"]
    assert lists == [["Screen 0"], ["Screen 0", "Screen 1"], ["Screen 0", "Screen 1", "Screen 2"]]
    ready = next(i for i, m in enumerate(messages) if m["event_type"] == "PreviewReady")
    assert all(m["data"]["preview_url"] is None for m in messages[:ready])
    assert all(m["data"]["preview_url"] == ORIGIN + SIGNED for m in messages[ready:])


def test_progress_never_goes_back_for_a_background_image() -> None:
    progress = [m["data"]["progress"] for m in render_all(sample_history(screens=3, images=3))]
    assert progress == sorted(progress)
    assert progress[-1] == 100


def test_completion_says_success_with_the_app_and_its_screens() -> None:
    done = render_all(sample_history(screens=2, images=1))[-1]
    assert done["type"] == "complete"
    assert done["data"]["success"] is True
    assert done["data"]["project_id"] == done["project_id"]
    assert done["data"]["app_name"] == "Task Tracker"
    assert done["data"]["screens_added"] == ["Screen 0", "Screen 1"]
    assert done["data"]["preview_url"] == ORIGIN + SIGNED


def test_a_failure_is_an_error_with_the_reason_at_the_top_level() -> None:
    messages = render_all(sample_history(screens=2, fail=True))
    errors = [m for m in messages if m["type"] == "error"]
    assert [m["event_type"] for m in errors] == ["StageFailed", "ProjectFailed"]
    for message in errors:
        assert message["error"] == "screens gave up after 5 attempts"
        assert message["data"]["error"] == message["error"]
        assert message["data"]["stage"] == "error"


def test_a_refusal_reads_like_an_error_to_both_protocols() -> None:
    view = LegacyView(ORIGIN)
    message = json.loads(view.refusal("bad message: prompt: too short", 1008))
    assert message["type"] == "error"
    assert message["error"] == message["data"]["error"] == message["data"]["message"]
    assert message["code"] == 1008
    assert message["data"]["screens_added"] == []


def test_sockets_with_the_same_history_share_one_json_per_event() -> None:
    history = sample_history(screens=2, images=1)
    shared = items(history)
    first, second = LegacyView(ORIGIN), LegacyView(ORIGIN)
    for item in shared:
        assert first.render(item) is second.render(item)
    # Another origin is another message.
    other = LegacyView("http://localhost:8000")
    assert other.render(shared[0]) != first.render(shared[0])


def test_a_resumed_socket_starts_from_the_state_at_its_cursor() -> None:
    history = sample_history(screens=3, images=0)
    cut = next(i for i, e in enumerate(history) if isinstance(e, ScreenAdded) and e.index == 1)
    before, after = history[: cut + 1], history[cut + 1 :]
    view = LegacyView(ORIGIN)
    view.seed(fold(enumerate(before, start=1)), SIGNED)
    resumed = [
        json.loads(view.render(FeedItem(p, e, preview_path=SIGNED)))
        for p, e in enumerate(after, start=len(before) + 1)
    ]
    assert resumed[0]["data"]["screens_added"] == ["Screen 0", "Screen 1", "Screen 2"]
    assert resumed[0]["data"]["preview_url"] == ORIGIN + SIGNED
    assert isinstance(history[-1], ProjectCompleted)
    assert resumed[-1]["data"]["app_name"] == "Task Tracker"
    whole = render_all(history)
    assert [m["data"] for m in resumed] == [m["data"] for m in whole[len(before) :]]


def test_the_list_of_screens_stays_within_a_specs_bounds() -> None:
    project_id = "many-screens"
    view = LegacyView(ORIGIN)
    for index in range(100):
        event = ScreenAdded(
            project_id=project_id, route=f"s{index}", title="x" * 10_000, index=index, total=100
        )
        view.apply(FeedItem(index + 1, event))
    assert len(view.screens_added) == MAX_SCREENS
    assert {len(name) for name in view.screens_added} == {MAX_NAME}
