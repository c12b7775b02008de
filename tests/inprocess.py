"""The whole pipeline in one process (every worker on its own connection), for tests and benches.

`appgen up` runs each service as its own process; this runs the same workers through the same
consumer loop as asyncio tasks, so a test can start and stop the system in milliseconds. Every
service it runs is named in `STAGES` with the `build_worker` its `__main__` calls.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator, Callable, Coroutine, Mapping
from contextlib import asynccontextmanager
from dataclasses import dataclass
from typing import Any, TypeVar

from appgen.analyzer import handlers as analyzer
from appgen.analyzer.settings import Settings as AnalyzerSettings
from appgen.cli.nats_users import NatsCredentials
from appgen.events import ConsumerSettings, NatsSettings, ServiceSettings, serve_worker
from appgen.events.transport.process import WorkerFactory
from appgen.finisher import handlers as finisher
from appgen.finisher.settings import Settings as FinisherSettings
from appgen.images import handlers as images
from appgen.images.settings import Settings as ImagesSettings
from appgen.llm import LLMSettings
from appgen.native import handlers as native
from appgen.native.settings import Settings as NativeSettings
from appgen.recorder import recorder
from appgen.recorder.settings import Settings as RecorderSettings
from appgen.scaffolder import handlers as scaffolder
from appgen.scaffolder.settings import Settings as ScaffolderSettings
from appgen.screens import handlers as screens
from appgen.screens.settings import Settings as ScreensSettings

S = TypeVar("S", bound=NatsSettings)
W = TypeVar("W", bound=ServiceSettings)


@dataclass(frozen=True)
class Shared:
    """What every service in the process shares: the server, the consumer loop's settings, the
    model, and (from `appgen up`) each service's own NATS user."""

    nats_url: str
    consumer: ConsumerSettings
    llm: LLMSettings
    credentials: NatsCredentials | None = None

    def as_user(self, service: str, settings: S) -> S:
        """`settings` presenting `service`'s own NATS user (as they are without credentials)."""
        return (
            settings if self.credentials is None else self.credentials.settings(service, settings)
        )


# One service's worker and the settings it is served with, as its `__main__` builds them.
InProcess = Callable[[Shared, str], tuple[WorkerFactory, ServiceSettings]]


def wired(settings: Callable[[Shared], W], build_worker: Callable[[W], WorkerFactory]) -> InProcess:
    """A row of `STAGES`: the service's own settings, then its `build_worker` on them."""

    def wire(shared: Shared, service: str) -> tuple[WorkerFactory, ServiceSettings]:
        own = shared.as_user(service, settings(shared))
        return build_worker(own), own

    return wire


STAGES: Mapping[str, InProcess] = {
    "analyzer": wired(
        lambda c: AnalyzerSettings(nats_url=c.nats_url, consumer=c.consumer, llm=c.llm),
        analyzer.build_worker,
    ),
    "scaffolder": wired(
        lambda c: ScaffolderSettings(nats_url=c.nats_url, consumer=c.consumer),
        scaffolder.build_worker,
    ),
    "screens": wired(
        lambda c: ScreensSettings(nats_url=c.nats_url, consumer=c.consumer, llm=c.llm),
        screens.build_worker,
    ),
    "images": wired(
        lambda c: ImagesSettings(nats_url=c.nats_url, consumer=c.consumer, llm=c.llm),
        images.build_worker,
    ),
    "finisher": wired(
        lambda c: FinisherSettings(nats_url=c.nats_url, consumer=c.consumer),
        finisher.build_worker,
    ),
    # Opt in: its builds take seconds each and need Node.js (its Expo Go pool runs only in its
    # process). Its consumer settings are its own: builds take turns.
    "native": wired(lambda c: NativeSettings(nats_url=c.nats_url), native.build_worker),
}
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
    shared = Shared(
        nats_url, consumer or ConsumerSettings(), llm or LLMSettings.disabled(), credentials
    )
    tasks: list[Coroutine[Any, Any, None]] = []
    if record:
        recorder_settings = shared.as_user(
            "recorder", RecorderSettings(nats_url=nats_url, database_url=database_url)
        )
        tasks.append(recorder.serve(recorder_settings, stop))
    for name, stage in STAGES.items():
        if name in OPTIONAL and not native:
            continue
        for _ in range((scale or {}).get(name, 1)):
            factory, settings = stage(shared, name)
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
