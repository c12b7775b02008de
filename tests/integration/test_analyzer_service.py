"""The analyzer service against a real nats-server: a request in, the started and completed facts out."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator

import pytest

from appgen.analyzer import analyze
from appgen.analyzer.handlers import build_worker
from appgen.analyzer.settings import Settings
from appgen.events import (
    AnalysisCompleted,
    AnalysisStarted,
    ConsumerSettings,
    Event,
    EventBus,
    NatsSettings,
    ProjectFailed,
    ProjectRequested,
    StageFailed,
    encode,
    new_project_id,
)
from appgen.events.catalog.subjects import project_filter, subject_for
from tests.running import serving_worker
from tests.streams import wait_for

pytestmark = pytest.mark.integration

FAST = ConsumerSettings(ack_wait_s=2.0, max_deliver=2, backoff_s=(0.05,))
PROMPT = "a plant watering tracker with reminders and photos"


@pytest.fixture
async def analyzer_running(nats_settings: NatsSettings) -> AsyncIterator[None]:
    """The analyzer as its process runs it: serve_worker with the service's own settings."""
    settings = Settings(nats_url=nats_settings.nats_url, consumer=FAST)
    async with serving_worker(build_worker(settings), settings, stop_within_s=15):
        yield


async def handled_up_to(bus: EventBus, seq: int, within_s: float = 20.0) -> None:
    """Wait until the analyzer's durable consumer has acknowledged everything up to `seq`."""
    deadline = asyncio.get_running_loop().time() + within_s
    while True:
        info = await bus.js.consumer_info(bus.settings.stream, "analyzer")
        if info.ack_floor is not None and (info.ack_floor.stream_seq or 0) >= seq:
            return
        assert asyncio.get_running_loop().time() < deadline, f"analyzer never acked {seq}"
        await asyncio.sleep(0.05)


def of_type(events: list[tuple[int, Event]], kind: type[Event]) -> list[Event]:
    return [e for _, e in events if isinstance(e, kind)]


async def test_request_becomes_started_then_completed_and_redelivery_repeats_ids(
    bus: EventBus, analyzer_running: None
) -> None:
    request = ProjectRequested(project_id=new_project_id(), prompt=PROMPT)
    await bus.publish(request)
    subject = project_filter(request.project_id)
    events = await wait_for(bus.js, lambda es: bool(of_type(es, AnalysisCompleted)), subject)
    started, completed = of_type(events, AnalysisStarted), of_type(events, AnalysisCompleted)
    assert len(started) == 1
    assert len(completed) == 1
    assert [e.type for _, e in events] == [
        "ProjectRequested",
        "AnalysisStarted",
        "AnalysisCompleted",
    ]
    assert isinstance(completed[0], AnalysisCompleted)
    assert completed[0].spec == analyze(PROMPT)
    assert completed[0].source == "rules"
    assert completed[0].metadata.causation_id == request.event_id

    # The same event delivered again (stored a second time under another message id): the
    # handler runs again and publishes the same ids, which JetStream drops as duplicates.
    ack = await bus.js.publish(
        subject_for(request), encode(request), headers={"Nats-Msg-Id": "redelivery"}
    )
    await handled_up_to(bus, ack.seq)
    again = await wait_for(bus.js, lambda es: len(of_type(es, ProjectRequested)) == 2, subject)
    assert [e.event_id for e in of_type(again, AnalysisStarted)] == [started[0].event_id]
    assert [e.event_id for e in of_type(again, AnalysisCompleted)] == [completed[0].event_id]


async def test_prompt_without_words_fails_the_stage_with_a_reason(
    bus: EventBus, analyzer_running: None
) -> None:
    request = ProjectRequested(project_id=new_project_id(), prompt="?!? 42 ...")
    await bus.publish(request)
    events = await wait_for(
        bus.js, lambda es: bool(of_type(es, ProjectFailed)), project_filter(request.project_id)
    )
    failed = of_type(events, StageFailed)
    assert len(failed) == 1
    assert isinstance(failed[0], StageFailed)
    assert "no words" in failed[0].reason
    assert failed[0].attempts == 1
    assert not of_type(events, AnalysisCompleted)
