"""A rerun of the screens stage (a redelivery after a crash, or a resume) reuses the screens the
log already holds instead of asking the model for them again: real NATS, the real screens
handler and model writer, the fake OpenAI-compatible server counting what it is asked."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator

import pytest

from appgen.analyzer import analyze
from appgen.events import (
    AnalysisCompleted,
    Event,
    EventBus,
    PreviewReady,
    ScreenAdded,
    new_project_id,
)
from appgen.llm import Purpose
from appgen.llm.wiring import open_client
from appgen.screens.handlers import screens_worker
from appgen.screens.llm_screens import ModelScreenWriter
from tests.fakes.openai_server import FakeOpenAI
from tests.llm.conftest import llm_settings

pytestmark = pytest.mark.integration

PROMPT = "a recipe book with ingredients, ratings and search"


async def _beat() -> None:
    return None


async def run_once(
    bus: EventBus, writer: ModelScreenWriter, cause: PreviewReady, logged: dict[uuid.UUID, Event]
) -> list[Event]:
    worker = screens_worker(bus, writer, concurrency=4)
    handler = worker.handler_for(cause)
    assert handler is not None
    context = worker.context(
        cause,
        attempt=2 if logged else 1,
        position=1,
        heartbeat=_beat,
        logged=logged,
    )
    stream: AsyncIterator[Event] = handler(cause, context)
    return [event async for event in stream]


def screen_routes(fake: FakeOpenAI, start: int) -> list[str]:
    return [r.user["screen"]["route"] for r in fake.requests[start:] if r.kind == "screen"]


async def test_screens_already_in_the_log_are_not_written_again(
    bus: EventBus, fake_openai: FakeOpenAI
) -> None:
    project_id = new_project_id()
    await bus.publish(AnalysisCompleted(project_id=project_id, spec=analyze(PROMPT)))
    cause = PreviewReady(project_id=project_id)
    client = await open_client(bus.js, llm_settings(fake_openai), Purpose.screen)
    assert client is not None
    writer = ModelScreenWriter(client)

    first = await run_once(bus, writer, cause, {})
    asked_first = screen_routes(fake_openai, 0)
    added = [e for e in first if isinstance(e, ScreenAdded)]
    assert len(added) >= 4
    assert sorted(asked_first) == sorted(e.route for e in added)
    assert all(e.screen is not None and e.metadata.model_calls for e in added)

    # The first run crashed after publishing two screens: the rerun finds them in the log.
    kept = added[:2]
    mark = len(fake_openai.requests)
    second = await run_once(bus, writer, cause, {e.event_id: e for e in kept})
    asked_again = screen_routes(fake_openai, mark)

    assert sorted(asked_again) == sorted(e.route for e in added[2:])
    # Every output has the first run's id, so what the log holds is not published twice, and
    # the reused screens render to the same files.
    # (Screens land in the order they finish, so compare the sets.)
    assert {e.event_id for e in second} == {e.event_id for e in first}
    assert len(second) == len(first)
    again = {e.route: e for e in second if isinstance(e, ScreenAdded)}
    for earlier in kept:
        assert again[earlier.route].files == earlier.files
        assert again[earlier.route].metadata.model_calls == ()
