"""The one consumer loop against a real nats-server: retries, sharing, giving up, crashes, restarts."""

from __future__ import annotations

import asyncio
import contextlib
from collections import Counter
from collections.abc import AsyncIterator

import pytest

from appgen.events import (
    AnalysisStarted,
    ConsumerLoop,
    ConsumerSettings,
    Event,
    EventBus,
    HandlerContext,
    NatsSettings,
    ProjectFailed,
    ProjectRequested,
    Stage,
    StageFailed,
    Worker,
    new_project_id,
    open_bus,
)
from appgen.events.transport import metrics
from appgen.stack import NatsServer
from tests.stages import stage
from tests.streams import read_events, wait_for

pytestmark = pytest.mark.integration

FAST = ConsumerSettings(
    batch=32,
    concurrency=16,
    ack_wait_s=1.0,
    max_deliver=3,
    backoff_s=(0.05,),
    shutdown_grace_s=2.0,
)


def requested(project_id: str | None = None) -> ProjectRequested:
    return ProjectRequested(project_id=project_id or new_project_id(), prompt="a todo app")


@contextlib.asynccontextmanager
async def running(
    settings: NatsSettings, worker: Worker, consumer: ConsumerSettings = FAST
) -> AsyncIterator[asyncio.Event]:
    """Run `worker` on its own connection (like a separate process) until the block ends."""
    stop = asyncio.Event()
    async with open_bus(settings, name=worker.name) as bus:
        task = asyncio.create_task(ConsumerLoop(bus, worker, consumer).run(stop))
        try:
            yield stop
        finally:
            stop.set()
            await asyncio.wait_for(task, 10)


def outputs(events: list[tuple[int, Event]], kind: type[Event]) -> list[Event]:
    return [e for _, e in events if isinstance(e, kind)]


async def test_crashing_handler_is_retried_and_its_output_published_once(
    bus: EventBus, nats_settings: NatsSettings
) -> None:
    attempts: Counter[str] = Counter()
    worker = Worker(stage("flaky", ProjectRequested))

    @worker.on(ProjectRequested)
    async def handle(event: ProjectRequested, ctx: HandlerContext) -> AsyncIterator[Event]:
        attempts[event.project_id] += 1
        yield ctx.emit(AnalysisStarted)
        if ctx.attempt == 1:
            raise RuntimeError("first attempt crashes after publishing")

    inputs = [requested() for _ in range(5)]
    async with running(nats_settings, worker):
        await bus.publish_all(inputs)
        events = await wait_for(
            bus.js, lambda evs: all(attempts[i.project_id] >= 2 for i in inputs)
        )
    started = outputs(await read_events(bus.js), AnalysisStarted)
    assert sorted(e.project_id for e in started) == sorted(i.project_id for i in inputs)
    assert all(e.metadata.causation_id in {i.event_id for i in inputs} for e in started)
    assert not outputs(events, StageFailed)
    assert set(attempts.values()) == {2}


async def test_a_redelivered_handler_finds_and_reuses_what_its_first_attempt_published(
    bus: EventBus, nats_settings: NatsSettings
) -> None:
    found: dict[str, Event | None] = {}
    worker = Worker(stage("reusing", ProjectRequested))

    @worker.on(ProjectRequested)
    async def handle(event: ProjectRequested, ctx: HandlerContext) -> AsyncIterator[Event]:
        if ctx.attempt > 1:
            found[event.project_id] = ctx.logged_output(AnalysisStarted)
        yield ctx.emit(AnalysisStarted)
        if ctx.attempt == 1:
            raise RuntimeError("crashes after publishing its costly output")

    dropped = metrics.DUPLICATES_DROPPED.labels("AnalysisStarted")
    before = dropped._value.get()
    inputs = [requested() for _ in range(3)]
    async with running(nats_settings, worker):
        await bus.publish_all(inputs)
        await wait_for(bus.js, lambda evs: len(found) == len(inputs))
    started = {e.project_id: e for e in outputs(await read_events(bus.js), AnalysisStarted)}
    assert sorted(started) == sorted(i.project_id for i in inputs)
    # The second attempt saw its first attempt's output in the log, the very event stored...
    assert all(found[pid] == started[pid] for pid in started)
    # ...and the loop did not publish it again (JetStream had nothing to drop).
    assert dropped._value.get() == before


async def test_two_workers_share_a_stage_and_handle_each_input_once(
    bus: EventBus, nats_settings: NatsSettings
) -> None:
    handled_by: dict[str, list[str]] = {}

    def make(name: str) -> Worker:
        worker = Worker(stage("shared-stage", ProjectRequested))

        @worker.on(ProjectRequested)
        async def handle(event: ProjectRequested, ctx: HandlerContext) -> AsyncIterator[Event]:
            handled_by.setdefault(event.project_id, []).append(name)
            await asyncio.sleep(0.005)
            yield ctx.emit(AnalysisStarted)

        return worker

    inputs = [requested() for _ in range(200)]
    async with running(nats_settings, make("a")), running(nats_settings, make("b")):
        await bus.publish_all(inputs)
        await wait_for(bus.js, lambda evs: len(outputs(evs, AnalysisStarted)) >= 200)
    assert all(len(names) == 1 for names in handled_by.values()), "an input was handled twice"
    assert len(handled_by) == 200
    shares = Counter(names[0] for names in handled_by.values())
    assert set(shares) == {"a", "b"}, f"work was not shared: {shares}"


async def test_a_poison_message_fails_the_project_after_the_cap(
    bus: EventBus, nats_settings: NatsSettings
) -> None:
    attempts: Counter[str] = Counter()
    worker = Worker(stage("poisoned", ProjectRequested))

    @worker.on(ProjectRequested)
    async def handle(event: ProjectRequested, ctx: HandlerContext) -> AsyncIterator[Event]:
        attempts[event.project_id] += 1
        raise ValueError("this input always breaks the handler")
        yield ctx.emit(AnalysisStarted)  # pragma: no cover - makes this a generator

    poison = requested()
    async with running(nats_settings, worker):
        await bus.publish(poison)
        events = await wait_for(bus.js, lambda evs: bool(outputs(evs, ProjectFailed)))
        await asyncio.sleep(FAST.ack_wait_s * 1.5)  # a terminated message must not come back
    [stage_failed] = outputs(events, StageFailed)
    [project_failed] = outputs(events, ProjectFailed)
    assert isinstance(stage_failed, StageFailed)
    assert isinstance(project_failed, ProjectFailed)
    assert stage_failed.attempts == FAST.max_deliver == attempts[poison.project_id]
    assert stage_failed.failed_stage is Stage.analyzing
    assert "this input always breaks the handler" in project_failed.reason
    assert "gave up" in project_failed.reason
    assert stage_failed.metadata.causation_id == poison.event_id


async def test_an_input_that_kills_its_worker_every_time_still_fails_visibly(
    bus: EventBus, nats_settings: NatsSettings
) -> None:
    """A worker that dies mid-handler never naks; the loop must still end it in ProjectFailed."""
    worker = Worker(stage("killed", ProjectRequested))
    entered = asyncio.Event()

    @worker.on(ProjectRequested)
    async def handle(event: ProjectRequested, ctx: HandlerContext) -> AsyncIterator[Event]:
        entered.set()
        await asyncio.sleep(3600)  # hangs until the "process" is killed below
        yield ctx.emit(AnalysisStarted)

    doomed = requested()
    await bus.publish(doomed)
    for _ in range(FAST.max_deliver):
        async with open_bus(nats_settings, name="doomed") as worker_bus:
            loop = ConsumerLoop(worker_bus, worker, FAST)
            halt = asyncio.Event()
            task = asyncio.create_task(loop.run(halt))
            await asyncio.wait_for(entered.wait(), 10)
            entered.clear()
            # Kill without the graceful path: with the connection gone nothing can be nak'ed, so
            # the message only comes back when its ack wait runs out, as after a real crash.
            await worker_bus.nc.close()
            halt.set()
            await asyncio.wait_for(task, 10)
    verdict = Worker(stage("killed", ProjectRequested))
    verdict.on(ProjectRequested)(handle)
    async with running(nats_settings, verdict):
        events = await wait_for(bus.js, lambda evs: bool(outputs(evs, ProjectFailed)))
    [failed] = outputs(events, ProjectFailed)
    assert isinstance(failed, ProjectFailed)
    assert "stopped or timed out" in failed.reason


async def test_redelivered_input_republishes_the_same_event_ids(
    bus: EventBus, nats_settings: NatsSettings
) -> None:
    worker = Worker(stage("deterministic", ProjectRequested))
    seen: list[str] = []

    @worker.on(ProjectRequested)
    async def handle(event: ProjectRequested, ctx: HandlerContext) -> AsyncIterator[Event]:
        first = ctx.emit(AnalysisStarted)
        seen.append(str(first.event_id))
        yield first
        if len(seen) == 1:
            raise RuntimeError("crash after the first output")

    source = requested()
    async with running(nats_settings, worker):
        await bus.publish(source)
        await wait_for(bus.js, lambda evs: len(seen) >= 2)
        await asyncio.sleep(0.2)
    assert seen[0] == seen[1]
    started = outputs(await read_events(bus.js), AnalysisStarted)
    assert len(started) == 1, "JetStream must drop the republished duplicate by Nats-Msg-Id"


async def test_graceful_shutdown_returns_unfinished_messages(
    bus: EventBus, nats_settings: NatsSettings
) -> None:
    slow = Worker(stage("slow-stage", ProjectRequested))
    release = asyncio.Event()

    @slow.on(ProjectRequested)
    async def handle_slowly(event: ProjectRequested, ctx: HandlerContext) -> AsyncIterator[Event]:
        await release.wait()
        yield ctx.emit(AnalysisStarted)

    quick_consumer = FAST.model_copy(update={"shutdown_grace_s": 0.2})
    inputs = [requested() for _ in range(3)]
    await bus.publish_all(inputs)
    async with running(nats_settings, slow, quick_consumer):
        await asyncio.sleep(0.5)  # all three are in flight and blocked
    assert not outputs(await read_events(bus.js), AnalysisStarted)

    fast = Worker(stage("slow-stage", ProjectRequested))

    @fast.on(ProjectRequested)
    async def handle(event: ProjectRequested, ctx: HandlerContext) -> AsyncIterator[Event]:
        yield ctx.emit(AnalysisStarted)

    async with running(nats_settings, fast):
        # Returned with a nak, not left to the ack timeout: they come back at once.
        events = await wait_for(
            bus.js, lambda evs: len(outputs(evs, AnalysisStarted)) == 3, within=5
        )
    assert {e.project_id for e in outputs(events, AnalysisStarted)} == {
        i.project_id for i in inputs
    }


@pytest.fixture
def own_server(nats_server: NatsServer | str) -> NatsServer:
    if not isinstance(nats_server, NatsServer):
        pytest.skip("restarting needs a nats-server of the test's own")
    return nats_server


async def test_acknowledged_events_survive_a_nats_server_crash(
    own_server: NatsServer, nats_settings: NatsSettings
) -> None:
    handled: Counter[str] = Counter()
    worker = Worker(stage("survivor", ProjectRequested))

    @worker.on(ProjectRequested)
    async def handle(event: ProjectRequested, ctx: HandlerContext) -> AsyncIterator[Event]:
        handled[event.project_id] += 1
        yield ctx.emit(AnalysisStarted)

    before = [requested() for _ in range(50)]
    after = [requested() for _ in range(50)]
    async with open_bus(nats_settings, name="publisher") as publisher:
        async with running(nats_settings, worker):
            positions = await publisher.publish_all(before)
            assert len(set(positions)) == 50
            # SIGKILL: no clean shutdown, so only what was fsynced before each ack survives.
            await asyncio.to_thread(own_server.restart, kill=True)
            await wait_for(publisher.js, lambda evs: len(evs) >= 50, within=30)
            await publisher.publish_all(after)
            await wait_for(
                publisher.js,
                lambda evs: len(outputs(evs, AnalysisStarted)) >= 100,
                within=30,
            )
        events = await read_events(publisher.js)
    requested_ids = {e.event_id for e in outputs(events, ProjectRequested)}
    assert {e.event_id for e in before + after} <= requested_ids
    started = outputs(events, AnalysisStarted)
    assert len(started) == len({e.event_id for e in started}) == 100
