"""The whole pipeline in one process (every worker on its own connection), for tests and benches.

`appgen up` runs each service as its own process; this runs the same workers through the same
consumer loop as asyncio tasks, so a test can start and stop the system in milliseconds.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator
from contextlib import AsyncExitStack, asynccontextmanager

from appgen.analyzer.handlers import build_worker as analyzer
from appgen.events import ConsumerSettings, ServiceSettings, serve_worker
from appgen.events.runtime import WorkerFactory
from appgen.finisher.handlers import build_worker as finisher
from appgen.images.handlers import build_worker as images
from appgen.recorder.__main__ import worker_factory as recorder
from appgen.recorder.settings import RecorderSettings
from appgen.scaffolder.handlers import build_worker as scaffolder
from appgen.screens.handlers import build_worker as screens

STAGES: dict[str, WorkerFactory] = {
    "analyzer": analyzer,
    "scaffolder": scaffolder,
    "screens": screens,
    "images": images,
    "finisher": finisher,
}


@asynccontextmanager
async def running_pipeline(
    nats_url: str,
    database_url: str,
    *,
    consumer: ConsumerSettings | None = None,
    scale: dict[str, int] | None = None,
    record: bool = True,
) -> AsyncIterator[asyncio.Event]:
    """Run the recorder and every stage until the block ends; yields the stop event."""
    stop = asyncio.Event()
    settings = ServiceSettings(nats_url=nats_url, consumer=consumer or ConsumerSettings())
    async with AsyncExitStack() as cleanup:
        tasks = []
        if record:
            recorder_settings = RecorderSettings(nats_url=nats_url, database_url=database_url)
            tasks.append(
                serve_worker(
                    recorder(recorder_settings, cleanup=cleanup), recorder_settings, stop=stop
                )
            )
        for name, factory in STAGES.items():
            for _ in range((scale or {}).get(name, 1)):
                tasks.append(serve_worker(factory, settings, stop=stop))
        running = [asyncio.create_task(t) for t in tasks]
        try:
            yield stop
        finally:
            stop.set()
            with contextlib.suppress(asyncio.CancelledError):
                results = await asyncio.wait_for(
                    asyncio.gather(*running, return_exceptions=True), 30
                )
                errors = [r for r in results if isinstance(r, BaseException)]
                if errors:
                    raise errors[0]
