"""Outputs stored together (`Step.together`, JetStream's atomic batch) on a real nats-server.

The scaffolder's four outputs are one fact, a preview with its files: they are stored at
consecutive positions even while another writer publishes as fast as it can, a retry stores
nothing twice, and a stream that refuses batches still gets every output, in order.
"""

from __future__ import annotations

import asyncio
import contextlib
import dataclasses
from collections.abc import AsyncIterator

import pytest

from appgen.analyzer.rules import analyze
from appgen.events import (
    AnalysisCompleted,
    AnalysisStarted,
    BaseGenerated,
    Event,
    EventBus,
    NatsSettings,
    PreviewConfigured,
    PreviewReady,
    ProjectCreated,
    ProjectRequested,
    new_project_id,
)
from appgen.events.catalog.subjects import project_filter
from appgen.events.transport.atomic import BatchRefused, publish_batch
from appgen.events.transport.bus import ACK_TIMEOUT_S
from appgen.scaffolder.handlers import build_worker
from appgen.scaffolder.settings import Settings as ScaffolderSettings
from appgen.spec import AppSpec
from tests.running import serving_worker
from tests.streams import read_events, wait_for

pytestmark = pytest.mark.integration

SCAFFOLD = (ProjectCreated, BaseGenerated, PreviewConfigured, PreviewReady)


def analysed(project_id: str, spec: AppSpec) -> AnalysisCompleted:
    return AnalysisCompleted(project_id=project_id, spec=spec, source="rules")


def started(project_id: str, count: int) -> list[Event]:
    """`count` distinct events of one project, each with its own id."""
    return [AnalysisStarted(project_id=project_id) for _ in range(count)]


@contextlib.asynccontextmanager
async def writing_elsewhere(bus: EventBus) -> AsyncIterator[list[int]]:
    """Another project's events published back to back for the block's length: anything that
    could land between one batch's messages would."""
    other = new_project_id()
    positions: list[int] = []
    stop = asyncio.Event()

    async def write() -> None:
        while not stop.is_set():
            positions.append(await bus.publish(AnalysisStarted(project_id=other)))

    task = asyncio.create_task(write())
    try:
        yield positions
    finally:
        stop.set()
        await task


async def test_the_scaffolders_outputs_stand_together_while_another_writer_races(
    bus: EventBus, nats_settings: NatsSettings
) -> None:
    spec = analyze("a todo app with due dates")
    projects = [new_project_id() for _ in range(6)]
    settings = ScaffolderSettings(nats_url=nats_settings.nats_url)
    async with serving_worker(build_worker(settings), settings), writing_elsewhere(bus) as noise:
        for project_id in projects:
            await bus.publish(analysed(project_id, spec))
        for project_id in projects:
            await wait_for(
                bus.js,
                lambda events: any(isinstance(e, PreviewReady) for _, e in events),
                project_filter(project_id),
            )
    assert len(noise) > 20, "the other writer must have raced the scaffolder"
    for project_id in projects:
        events = await read_events(bus.js, project_filter(project_id))
        made = [(position, e) for position, e in events if isinstance(e, SCAFFOLD)]
        assert [type(e) for _, e in made] == list(SCAFFOLD)
        positions = [position for position, _ in made]
        assert positions == list(range(positions[0], positions[0] + 4)), (
            f"{project_id}: the preview's facts were split by another write: {positions}"
        )


async def test_a_batch_is_stored_in_order_at_consecutive_positions(bus: EventBus) -> None:
    project_id = new_project_id()
    events = started(project_id, 5)
    await bus.publish_together(events)
    stored = await read_events(bus.js, project_filter(project_id))
    assert [e.event_id for _, e in stored] == [e.event_id for e in events]
    first = stored[0][0]
    assert [position for position, _ in stored] == list(range(first, first + 5))


async def test_a_retried_batch_stores_nothing_twice(bus: EventBus) -> None:
    project_id = new_project_id()
    events = started(project_id, 4)
    await bus.publish_together(events)
    # The same batch again (its ack was lost, say): the stream refuses it whole...
    messages = [bus.message_of(e) for e in events]
    with pytest.raises(BatchRefused) as refused:
        await publish_batch(bus.nc, messages, answer_within_s=ACK_TIMEOUT_S)
    assert refused.value.code == 10201
    # ...and the bus then finds each one stored already.
    await bus.publish_together(events)
    stored = await read_events(bus.js, project_filter(project_id))
    assert [e.event_id for _, e in stored] == [e.event_id for e in events]


async def test_what_an_earlier_attempt_stored_one_by_one_is_not_stored_again(
    bus: EventBus,
) -> None:
    """An older version published the first two outputs one at a time, then stopped: the
    retry's batch holds their ids, so the stream refuses it, and only the other two are
    stored, after them."""
    project_id = new_project_id()
    events = started(project_id, 4)
    await bus.publish_all(events[:2])
    await bus.publish_together(events)
    stored = await read_events(bus.js, project_filter(project_id))
    assert [e.event_id for _, e in stored] == [e.event_id for e in events]


async def test_an_unfinished_batch_stores_nothing(bus: EventBus) -> None:
    """A writer that dies before its commit leaves no part of its batch in the stream."""
    project_id = new_project_id()
    events = started(project_id, 3)
    messages = [bus.message_of(e) for e in events]
    # The batch's first two messages, as `publish_batch` sends them, and no commit.
    for sequence, message in enumerate(messages[:2], start=1):
        headers = {
            **message.headers,
            "Nats-Batch-Id": "abandoned",
            "Nats-Batch-Sequence": str(sequence),
        }
        await bus.nc.publish(message.subject, message.data, headers=headers)
    await bus.nc.flush()
    await bus.publish(ProjectRequested(project_id=project_id, prompt="after the batch"))
    stored = await read_events(bus.js, project_filter(project_id))
    assert [type(e) for _, e in stored] == [ProjectRequested]


async def test_a_stream_that_refuses_batches_still_gets_every_output_in_order(
    bus: EventBus,
) -> None:
    """An operator turned atomic batches off (or an older server's stream lacks them): the
    batch is refused whole, and the outputs are published one at a time instead."""
    info = await bus.js.stream_info(bus.settings.stream)
    await bus.js.update_stream(dataclasses.replace(info.config, allow_atomic=False))
    project_id = new_project_id()
    events = started(project_id, 3)
    messages = [bus.message_of(e) for e in events]
    with pytest.raises(BatchRefused):
        await publish_batch(bus.nc, messages, answer_within_s=ACK_TIMEOUT_S)
    await bus.publish_together(events)
    stored = await read_events(bus.js, project_filter(project_id))
    assert [e.event_id for _, e in stored] == [e.event_id for e in events]
