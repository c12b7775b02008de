"""Real workers inside a test: served as tasks, as their processes serve them, until the block ends.

Also the waits that go with the recorder: publish events, then wait until the store holds them.
"""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys
import time
from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager, contextmanager
from pathlib import Path

from nats.aio.client import Client

from appgen.events import Event, EventBus, NatsSettings, ServiceSettings, serve_worker
from appgen.events.transport.activity import PipelineActivity
from appgen.events.transport.process import WorkerFactory
from appgen.recorder import recorder as recording
from appgen.recorder.settings import Settings as RecorderSettings
from appgen.store import EventStore

# How long a test waits for the recorder to catch up before it fails.
WAIT_S = 30.0


@asynccontextmanager
async def serving_worker(
    factory: WorkerFactory, settings: ServiceSettings, *, stop_within_s: float = 30.0
) -> AsyncIterator[None]:
    """`serve_worker` as a task until the block ends; then stopped and awaited, so its errors raise."""
    stop = asyncio.Event()
    task = asyncio.create_task(serve_worker(factory, settings, stop=stop))
    try:
        yield
    finally:
        stop.set()
        await asyncio.wait_for(task, stop_within_s)


@asynccontextmanager
async def listening(activity: PipelineActivity, nc: Client) -> AsyncIterator[PipelineActivity]:
    """`activity` hearing its starts and ends on `nc` for the block's length; quiet after it."""
    stop = asyncio.Event()
    task = asyncio.create_task(activity.run(nc, stop))
    await nc.flush()
    await asyncio.sleep(0.05)
    try:
        yield activity
    finally:
        stop.set()
        await asyncio.wait_for(task, 10.0)
    assert activity.quiet


@asynccontextmanager
async def recorder(nats: NatsSettings, database_url: str) -> AsyncIterator[None]:
    """The real recorder, served as a task until the block ends."""
    settings = RecorderSettings(nats_url=nats.nats_url, database_url=database_url, migrate=False)
    stop = asyncio.Event()
    task = asyncio.create_task(recording.serve(settings, stop))
    try:
        yield
    finally:
        stop.set()
        await asyncio.wait_for(task, 30)


async def publish(bus: EventBus, events: list[Event]) -> list[int]:
    """Publish in order; each event's stream position."""
    return [await bus.publish(event) for event in events]


async def stored(store: EventStore, project_id: str, count: int) -> list[tuple[int, str]]:
    """The store's history of the project once it holds `count` events: (position, event id)."""
    deadline = time.monotonic() + WAIT_S
    while True:
        history = await store.history(project_id, limit=1000)
        if len(history) >= count:
            return [(h.position, str(h.event.event_id)) for h in history]
        if time.monotonic() > deadline:
            raise AssertionError(f"only {len(history)}/{count} events stored")
        await asyncio.sleep(0.02)


@contextmanager
def recorder_process(
    nats_url: str, database_url: str, log: Path
) -> Iterator[subprocess.Popen[bytes]]:
    """`python -m appgen.recorder` as its own process (writing its log to `log`), killed at the
    end if it still runs: for tests that SIGKILL it."""
    env = {
        **os.environ,
        "APPGEN_NATS_URL": nats_url,
        "APPGEN_DATABASE_URL": database_url,
        "APPGEN_MIGRATE": "false",
        "APPGEN_LOCK_RETRY_S": "0.1",
    }
    with log.open("ab") as output:
        process = subprocess.Popen(
            [sys.executable, "-m", "appgen.recorder"],
            stdout=output,
            stderr=subprocess.STDOUT,
            env=env,
        )
    try:
        yield process
    finally:
        if process.poll() is None:
            process.kill()
        process.wait(timeout=10)


async def wait_for_mark(store: EventStore, position: int, *, within_s: float = WAIT_S) -> None:
    """Until the store's high-water mark reaches `position`."""
    deadline = time.monotonic() + within_s
    while (mark := await store.high_water()) < position:
        if time.monotonic() > deadline:
            raise AssertionError(f"the store's mark is at {mark}, not {position}")
        await asyncio.sleep(0.02)
