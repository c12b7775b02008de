"""Old and new versions side by side, graceful stops and the delivery cap (issue 16, items 1-2).

Each test runs the one consumer loop against a real nats-server and fails on the loop as it was:
an unreadable event was dropped silently, every process start reset the consumer's filter, a
graceful stop used up an attempt, and the cap failed a project whose last attempt had finished.
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator
from typing import ClassVar

import pytest

from appgen.events import (
    AnalysisStarted,
    ConsumerLoop,
    Event,
    EventBus,
    HandlerContext,
    NatsSettings,
    ProjectFailed,
    ProjectRequested,
    Stage,
    StageFailed,
    Worker,
    decode,
    encode,
    new_project_id,
    open_bus,
)
from appgen.events.catalog.codec import NewerEvent
from appgen.events.catalog.subjects import subject_for, subject_of
from appgen.events.catalog.upcasting import upcaster
from appgen.events.transport import metrics
from tests.integration.test_consumer_loop import FAST, outputs, requested, running
from tests.stages import stage
from tests.streams import read_events, wait_for

pytestmark = pytest.mark.integration

PARKING = FAST.model_copy(update={"park_delay_s": 0.1, "park_limit": 3})


class SkewProbe(Event):
    """A test-only event at schema 2: schema 1 called its field `old`."""

    STAGE: ClassVar[Stage] = Stage.analyzing
    SCHEMA: ClassVar[int] = 2
    new: str


@upcaster("SkewProbe", from_schema=1)
def _probe_1_to_2(raw: dict[str, object]) -> dict[str, object]:
    raw["new"] = raw.pop("old")
    return raw


def newer(event: Event, *, field: str | None = None) -> bytes:
    """`event` as a newer version of appgen would write it: a schema ahead (with a field this
    version does not know, if `field`)."""
    raw = json.loads(encode(event))
    raw["schema_version"] = event.SCHEMA + 1
    if field is not None:
        raw[field] = "x"
    return json.dumps(raw).encode()


def starter() -> Worker:
    worker = Worker(stage("skewed", ProjectRequested))

    @worker.on(ProjectRequested)
    async def handle(event: ProjectRequested, ctx: HandlerContext) -> AsyncIterator[Event]:
        yield ctx.emit(AnalysisStarted)

    return worker


def test_an_older_schema_is_upcast_and_a_newer_one_is_named() -> None:
    project = new_project_id()
    subject = subject_of(project, SkewProbe)
    stored = {"project_id": project, "type": "SkewProbe", "old": "kept"}
    probe = decode(subject, json.dumps(stored).encode())
    assert isinstance(probe, SkewProbe)
    assert (probe.new, probe.schema_version) == ("kept", 2)
    ahead = {**stored, "schema_version": 3, "new": "x"}
    with pytest.raises(NewerEvent, match="schema 3 of SkewProbe is newer"):
        decode(subject, json.dumps(ahead).encode())
    with pytest.raises(NewerEvent, match="unknown event type"):
        decode(f"appgen.events.{project}.FromTheFuture", b"{}")


async def test_an_event_from_a_newer_version_waits_for_a_newer_process(
    bus: EventBus, nats_settings: NatsSettings, monkeypatch: pytest.MonkeyPatch
) -> None:
    event = requested()
    parked = metrics.EVENTS_PARKED.labels("skewed")
    before = parked._value.get()
    await bus.js.publish(subject_for(event), newer(event))
    async with running(nats_settings, starter(), PARKING):
        await wait_for(bus.js, lambda _: parked._value.get() >= before + 2, within=5)
    history = await read_events(bus.js)
    assert not outputs(history, StageFailed), "an old process must not fail what it cannot read"
    assert not outputs(history, AnalysisStarted)
    # The newer version arrives (its ProjectRequested is at that schema) and takes it.
    monkeypatch.setattr(ProjectRequested, "SCHEMA", ProjectRequested.SCHEMA + 1)
    async with running(nats_settings, starter(), PARKING):
        history = await wait_for(bus.js, lambda evs: bool(outputs(evs, AnalysisStarted)))
    assert not outputs(history, ProjectFailed)


async def test_an_event_no_version_takes_fails_its_project_visibly(
    bus: EventBus, nats_settings: NatsSettings
) -> None:
    event = requested()
    await bus.js.publish(subject_for(event), newer(event, field="added_later"))
    async with running(nats_settings, starter(), PARKING):
        history = await wait_for(bus.js, lambda evs: bool(outputs(evs, ProjectFailed)), within=10)
    [failed] = outputs(history, ProjectFailed)
    assert failed.project_id == event.project_id
    assert isinstance(failed, ProjectFailed)
    assert "cannot read" in failed.reason
    assert "newer" in failed.reason


async def test_a_message_that_is_no_event_fails_its_project_at_once(
    bus: EventBus, nats_settings: NatsSettings
) -> None:
    event = requested()
    await bus.js.publish(subject_for(event), b"{not json")
    async with running(nats_settings, starter(), PARKING):
        history = await wait_for(bus.js, lambda evs: bool(outputs(evs, ProjectFailed)), within=5)
    [stage_failed] = outputs(history, StageFailed)
    assert isinstance(stage_failed, StageFailed)
    assert stage_failed.project_id == event.project_id
    assert "not valid" in stage_failed.reason


async def test_an_older_process_never_narrows_a_newer_ones_consumer(
    bus: EventBus, nats_settings: NatsSettings
) -> None:
    wider = Worker(stage("rolling", ProjectRequested, AnalysisStarted))
    narrower = Worker(stage("rolling", ProjectRequested))

    async def nothing(event: Event, ctx: HandlerContext) -> AsyncIterator[Event]:
        return
        yield

    wider.on(ProjectRequested)(nothing)
    wider.on(AnalysisStarted)(nothing)
    narrower.on(ProjectRequested)(nothing)
    stream = bus.settings.stream
    async with running(nats_settings, wider):
        pass
    wide = set((await bus.js.consumer_info(stream, "rolling")).config.filter_subjects or [])
    async with running(nats_settings, narrower):
        pass
    after = set((await bus.js.consumer_info(stream, "rolling")).config.filter_subjects or [])
    assert after == wide
    assert subject_of("*", AnalysisStarted) in after


async def test_graceful_stops_hand_work_back_without_using_attempts(
    bus: EventBus, nats_settings: NatsSettings
) -> None:
    release = asyncio.Event()
    worker = Worker(stage("restarted", ProjectRequested))
    entered = asyncio.Event()

    @worker.on(ProjectRequested)
    async def slow(event: ProjectRequested, ctx: HandlerContext) -> AsyncIterator[Event]:
        entered.set()
        await release.wait()
        yield ctx.emit(AnalysisStarted)

    quick = FAST.model_copy(update={"shutdown_grace_s": 0.05})
    await bus.publish(requested())
    # Twice as many rolling restarts as the delivery cap allows attempts.
    for _ in range(FAST.max_deliver * 2):
        async with running(nats_settings, worker, quick):
            await asyncio.wait_for(entered.wait(), 10)
            entered.clear()
    release.set()
    async with running(nats_settings, worker, quick):
        history = await wait_for(bus.js, lambda evs: bool(outputs(evs, AnalysisStarted)))
    assert not outputs(history, StageFailed)
    assert not outputs(history, ProjectFailed)


async def test_the_cap_sees_an_attempt_that_finished_before_it_died(
    bus: EventBus, nats_settings: NatsSettings
) -> None:
    """Every attempt the cap allows publishes its output and dies before its ack (the process
    is killed); the next delivery finds the output in the log and finishes, failing nothing."""
    worker = Worker(stage("finished-late", ProjectRequested))
    entered = asyncio.Event()
    runs: list[int] = []

    @worker.on(ProjectRequested)
    async def handle(event: ProjectRequested, ctx: HandlerContext) -> AsyncIterator[Event]:
        runs.append(ctx.attempt)
        yield ctx.emit(AnalysisStarted)
        if ctx.attempt <= FAST.max_deliver:
            entered.set()
            await asyncio.sleep(3600)  # killed below, after its output is published

    await bus.publish(requested())
    for _ in range(FAST.max_deliver):
        async with open_bus(nats_settings, name="finished-late") as worker_bus:
            halt = asyncio.Event()
            task = asyncio.create_task(ConsumerLoop(worker_bus, worker, FAST).run(halt))
            await asyncio.wait_for(entered.wait(), 10)
            entered.clear()
            # Killed without the graceful path: the message comes back after its ack wait.
            await worker_bus.nc.close()
            halt.set()
            await asyncio.wait_for(task, 10)
    async with running(nats_settings, worker):
        await wait_for(bus.js, lambda _: len(runs) > FAST.max_deliver, within=10)
        await asyncio.sleep(0.3)
    history = await read_events(bus.js)
    assert not outputs(history, ProjectFailed), "the work was done: nothing failed"
    assert len(outputs(history, AnalysisStarted)) == 1
