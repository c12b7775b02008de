"""The message every client gets per event, and the bounded per-client buffer, without servers."""

from __future__ import annotations

import asyncio
from typing import cast

from appgen.events import (
    EventBus,
    PreviewReady,
    ProjectCompleted,
    ProjectFailed,
    ScreenAdded,
)
from appgen.gateway.hub import TOO_SLOW, Hub
from appgen.gateway.messages import FeedItem
from appgen.store.samples import sample_history


def test_every_message_carries_the_event_and_a_line_for_a_person() -> None:
    for position, event in enumerate(sample_history(screens=3, images=2), start=1):
        message = FeedItem(position, event).message()
        assert message["type"] in {"progress", "complete", "error"}
        assert message["position"] == position
        assert message["event_id"] == str(event.event_id)
        assert message["event_type"] == event.type
        assert message["stage"] == event.current_stage.value
        assert message["data"]["progress"] == message["progress"] == event.progress
        # The earlier generator's fields are the WebSocket's (appgen.gateway.compat), not here.
        assert "stage" not in message["data"]
        assert "screens_added" not in message["data"]
        assert message["data"]["message"], f"{event.type} has no human message"
        # Files are announced by path; their content has its own endpoints.
        for path in message["data"].get("files", []):
            assert isinstance(path, str)


def test_preview_and_completion_carry_the_preview_path() -> None:
    history = sample_history(screens=3, images=1)
    messages = {e.type: FeedItem(i, e).message() for i, e in enumerate(history, start=1)}
    preview = messages[PreviewReady.__name__]
    assert preview["data"]["preview_url"].startswith("/preview/")
    assert messages[ProjectCompleted.__name__]["type"] == "complete"
    screens = [FeedItem(0, e).message() for e in history if isinstance(e, ScreenAdded)]
    assert [m["data"]["title"] for m in screens] == ["Screen 0", "Screen 1", "Screen 2"]


def test_a_failure_is_an_error_message_with_the_reason() -> None:
    failed = sample_history(fail=True)[-1]
    assert isinstance(failed, ProjectFailed)
    message = FeedItem(9, failed).message()
    assert message["type"] == "error"
    assert failed.reason in message["data"]["message"]


def test_a_full_buffer_drops_only_its_own_client() -> None:
    async def scenario() -> None:
        hub = Hub(cast(EventBus, None), buffer=3)  # the NATS side is not used here
        history = sample_history()
        project_id = history[0].project_id
        slow, fast = hub.subscribe(project_id), hub.subscribe(project_id)
        for position, event in enumerate(history[:5], start=1):
            item = FeedItem(position, event)
            slow.offer(item)
            fast.offer(item)
            assert await fast.get() is item
        assert slow.reason is not None
        assert slow.reason.startswith(TOO_SLOW)
        assert await slow.get() is None
        assert fast.reason is None
        assert hub.clients == 1

    asyncio.run(scenario())
