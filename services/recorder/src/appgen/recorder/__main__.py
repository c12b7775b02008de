"""`python -m appgen.recorder`: migrate, then copy the stream into PostgreSQL in order, for ever."""

from __future__ import annotations

import asyncio

from appgen.events import open_bus
from appgen.events.runtime import run_process
from appgen.recorder.recorder import Recorder
from appgen.recorder.settings import RecorderSettings
from appgen.store import EventStore
from appgen.store.migrate import upgrade_to_head


async def serve_recorder(settings: RecorderSettings, stop: asyncio.Event) -> None:
    """Record until `stop` (tests and benchmarks run it as a task too)."""
    async with open_bus(settings, name="appgen-recorder") as bus:
        store = await EventStore.open(settings.database_url, pool_size=settings.pool_size)
        try:
            await Recorder(bus, store, settings).run(stop)
        finally:
            await store.close()


def main() -> None:
    settings = RecorderSettings()
    if settings.migrate:
        upgrade_to_head(settings.database_url)
    run_process("recorder", settings, lambda stop: serve_recorder(settings, stop))


if __name__ == "__main__":
    main()
