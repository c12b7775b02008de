"""`python -m appgen.recorder`: migrate, then copy every event from the stream into PostgreSQL."""

from __future__ import annotations

from contextlib import AsyncExitStack

from appgen.events import EventBus, Worker, run_service
from appgen.events.runtime import WorkerFactory
from appgen.recorder.handlers import recorder_worker
from appgen.recorder.settings import RecorderSettings
from appgen.recorder.writer import GroupCommitWriter
from appgen.store import EventStore
from appgen.store.migrate import upgrade_to_head


def worker_factory(
    settings: RecorderSettings, *, cleanup: AsyncExitStack | None = None
) -> WorkerFactory:
    """Opens the store and builds the worker once the bus is up (tests and benchmarks use it too).

    `cleanup`, when given, is where the store and writer register their closing, for callers
    that outlive the worker; a process simply exits.
    """

    async def build(bus: EventBus) -> Worker:
        store = await EventStore.open(settings.database_url, pool_size=settings.pool_size)
        writer = GroupCommitWriter(
            store.append, max_batch=settings.batch_max, max_wait_s=settings.batch_wait_ms / 1000
        )
        if cleanup is not None:
            cleanup.push_async_callback(store.close)
            cleanup.push_async_callback(writer.close)
        return recorder_worker(writer, bus)

    return build


def main() -> None:
    settings = RecorderSettings()
    if settings.migrate:
        upgrade_to_head(settings.database_url)
    run_service("recorder", worker_factory(settings), settings)


if __name__ == "__main__":
    main()
