"""Running a service process: settings in, connect, run until a signal, stop cleanly."""

from __future__ import annotations

import asyncio
import contextlib
import gc
import logging
import os
import signal
from collections.abc import Awaitable, Callable, Sequence

from appgen.events.transport import metrics
from appgen.events.transport.bus import EventBus, open_bus
from appgen.events.transport.consumer import ConsumerLoop
from appgen.events.transport.logs import configure_logging
from appgen.events.transport.settings import ServiceSettings
from appgen.events.transport.worker import Worker

log = logging.getLogger(__name__)

# Builds the worker once the bus is up, so a service can make clients (blob store, database) first.
WorkerFactory = Callable[[EventBus], Awaitable[Worker]]
# Work a process runs alongside its worker, on the same connection, until the stop event is set
# (a listener its worker yields to, a pool of dev servers).
Alongside = Callable[[EventBus, asyncio.Event], Awaitable[None]]


def stop_on_signals() -> asyncio.Event:
    """An event set by SIGTERM or SIGINT, so in-flight work can finish before the process exits."""
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGTERM, signal.SIGINT):
        with contextlib.suppress(NotImplementedError):
            loop.add_signal_handler(sig, stop.set)
    return stop


async def serve_worker(
    factory: WorkerFactory,
    settings: ServiceSettings,
    *,
    stop: asyncio.Event | None = None,
    alongside: Sequence[Alongside] = (),
    name: str = "appgen-worker",
) -> None:
    """Run one worker, and what the process runs `alongside` it, until `stop` (by default:
    until SIGTERM/SIGINT); `name` is the NATS connection's."""
    stop = stop or stop_on_signals()
    async with open_bus(settings, name=name) as bus:
        worker = await factory(bus)
        await asyncio.gather(
            ConsumerLoop(bus, worker, settings.consumer).run(stop),
            *(run(bus, stop) for run in alongside),
        )
        log.info("%s stopped", worker.name)


def yield_cpu(settings: ServiceSettings) -> None:
    """Lower this process's CPU priority as its settings ask, before it starts any thread or
    child: Linux keeps niceness and policy per thread, and new threads and children inherit
    their creator's."""
    if settings.nice:
        os.nice(settings.nice)
    if settings.idle_priority and hasattr(os, "SCHED_IDLE"):
        # Any process may lower itself to SCHED_IDLE; only raising it back needs privileges.
        os.sched_setscheduler(0, os.SCHED_IDLE, os.sched_param(0))


def run_process(
    name: str, settings: ServiceSettings, body: Callable[[asyncio.Event], Awaitable[None]]
) -> None:
    """The body of every process's `__main__`: logs, metrics, then `body(stop)` until a signal."""
    configure_logging(name, level=settings.log_level, json_lines=settings.log_json)
    yield_cpu(settings)
    if settings.metrics_port is not None:
        metrics.serve(settings.metrics_port, settings.metrics_host)
    with contextlib.suppress(ImportError):
        import uvloop

        uvloop.install()

    async def until_signal() -> None:
        # What start-up made lives as long as the process: the collector need not walk it again.
        gc.freeze()
        await body(stop_on_signals())

    asyncio.run(until_signal())


def run_service(name: str, factory: WorkerFactory, settings: ServiceSettings) -> None:
    """The body of every stage's `__main__`: its worker through the consumer loop until a signal."""
    run_process(name, settings, lambda stop: serve_worker(factory, settings, stop=stop))
