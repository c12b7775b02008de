"""The whole pipeline in one process (every worker on its own connection), for tests and benches.

`appgen up` runs each service as its own process; this runs the same workers through the same
consumer loop as asyncio tasks, so a test can start and stop the system in milliseconds.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator, Callable, Coroutine
from contextlib import asynccontextmanager
from typing import Any, TypeVar

from appgen.analyzer import handlers as analyzer
from appgen.analyzer.settings import Settings as AnalyzerSettings
from appgen.cli.nats_users import NatsCredentials
from appgen.events import ConsumerSettings, NatsSettings, ServiceSettings, serve_worker
from appgen.events.transport.process import WorkerFactory
from appgen.finisher.handlers import build_worker as finisher
from appgen.images import handlers as images
from appgen.images.settings import Settings as ImagesSettings
from appgen.llm import LLMSettings
from appgen.native import handlers as native
from appgen.native.settings import Settings as NativeSettings
from appgen.recorder.__main__ import serve_recorder
from appgen.recorder.settings import RecorderSettings
from appgen.scaffolder.handlers import build_worker as scaffolder
from appgen.screens import handlers as screens
from appgen.screens.settings import Settings as ScreensSettings

S = TypeVar("S", bound=NatsSettings)


def _as(credentials: NatsCredentials | None, service: str, settings: S) -> S:
    """`settings` presenting `service`'s own NATS user (as they are without credentials)."""
    return settings if credentials is None else credentials.settings(service, settings)


def _stages(
    nats_url: str,
    consumer: ConsumerSettings,
    llm: LLMSettings,
    credentials: NatsCredentials | None = None,
) -> dict[str, Callable[[], tuple[WorkerFactory, ServiceSettings]]]:
    """Each stage's factory and settings, as its `__main__` would build them."""

    def plain(
        name: str, factory: WorkerFactory
    ) -> Callable[[], tuple[WorkerFactory, ServiceSettings]]:
        settings = ServiceSettings(nats_url=nats_url, consumer=consumer)
        return lambda: (factory, _as(credentials, name, settings))

    def analyzer_stage() -> tuple[WorkerFactory, ServiceSettings]:
        settings = _as(
            credentials, "analyzer", AnalyzerSettings(nats_url=nats_url, consumer=consumer, llm=llm)
        )
        return analyzer.worker_factory(settings), settings

    def screens_stage() -> tuple[WorkerFactory, ServiceSettings]:
        settings = _as(
            credentials, "screens", ScreensSettings(nats_url=nats_url, consumer=consumer, llm=llm)
        )
        return screens.worker_factory(settings), settings

    def images_stage() -> tuple[WorkerFactory, ServiceSettings]:
        settings = _as(
            credentials, "images", ImagesSettings(nats_url=nats_url, consumer=consumer, llm=llm)
        )
        return images.worker_factory(settings), settings

    def native_stage() -> tuple[WorkerFactory, ServiceSettings]:
        settings = _as(credentials, "native", NativeSettings(nats_url=nats_url))
        return native.worker_factory(settings), settings

    return {
        "native": native_stage,
        "analyzer": analyzer_stage,
        "scaffolder": plain("scaffolder", scaffolder),
        "screens": screens_stage,
        "images": images_stage,
        "finisher": plain("finisher", finisher),
    }


STAGES: tuple[str, ...] = ("analyzer", "scaffolder", "screens", "images", "finisher")
# Opt in: its builds take seconds each and need Node.js (its Expo Go pool runs only in its process).
OPTIONAL: tuple[str, ...] = ("native",)


@asynccontextmanager
async def running_pipeline(
    nats_url: str,
    database_url: str,
    *,
    consumer: ConsumerSettings | None = None,
    scale: dict[str, int] | None = None,
    record: bool = True,
    llm: LLMSettings | None = None,
    native: bool = False,
    credentials: NatsCredentials | None = None,
) -> AsyncIterator[asyncio.Event]:
    """Run the recorder and every stage until the block ends; yields the stop event.

    `llm` configures the model for the analyzer, screens and images; by default there is none
    (whatever the environment says), so the deterministic generator runs. `native` adds the
    native stage's builds (docs/expo.md). `credentials` (`appgen up`'s NATS users) connects
    each service as its own user, within its permissions.
    """
    stop = asyncio.Event()
    stages = _stages(
        nats_url, consumer or ConsumerSettings(), llm or LLMSettings.disabled(), credentials
    )
    tasks: list[Coroutine[Any, Any, None]] = []
    if record:
        recorder_settings = _as(
            credentials, "recorder", RecorderSettings(nats_url=nats_url, database_url=database_url)
        )
        tasks.append(serve_recorder(recorder_settings, stop))
    for name in (*STAGES, *OPTIONAL) if native else STAGES:
        for _ in range((scale or {}).get(name, 1)):
            factory, settings = stages[name]()
            tasks.append(serve_worker(factory, settings, stop=stop))
    running = [asyncio.create_task(t) for t in tasks]
    try:
        yield stop
    finally:
        stop.set()
        with contextlib.suppress(asyncio.CancelledError):
            results = await asyncio.wait_for(asyncio.gather(*running, return_exceptions=True), 30)
            errors = [r for r in results if isinstance(r, BaseException)]
            if errors:
                raise errors[0]
