"""Screens: after the preview is live, every other screen, then the components.

Without a model each screen is the spec's own, one at a time. With one, the screens are written
in parallel (a bounded number per project, and the endpoint's shared limit across workers) and
each lands as soon as it is written; a screen whose answer stays invalid falls back to the spec's
definition with a ScreenFellBack. ScreenAdded ids are keyed by route, so a redelivery that
finishes the screens in another order still repeats the same ids. A project forked with its own
model has its screens written by that model (`appgen.llm.project`).
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator

from appgen.events import (
    AnalysisCompleted,
    ComponentsAdded,
    Event,
    EventBus,
    FileWrite,
    HandlerContext,
    PermanentError,
    PreviewReady,
    ScreenAdded,
    ScreenFellBack,
    ScreensCompleted,
    Stage,
    Worker,
)
from appgen.events.catalog.pipeline import SCREENS
from appgen.events.transport.process import WorkerFactory
from appgen.llm import BudgetExceeded, Purpose, open_client, project_model
from appgen.render import render_base, render_components, render_screen
from appgen.screens.llm_screens import ModelScreenWriter, with_screens
from appgen.screens.revising import handle_revisions
from appgen.screens.settings import Settings
from appgen.screens.writing import Written, screen_writer
from appgen.spec import AppSpec, Screen

SPEC_MODULE = "app/spec.js"
# Screens fill the progress bar from the preview to the components.
BAND = SCREENS.band


def screens_worker(
    bus: EventBus, writer: ModelScreenWriter | None = None, concurrency: int = 4
) -> Worker:
    worker = Worker(SCREENS)
    write = screen_writer(writer)
    handle_revisions(worker, bus, write, model_backed=writer is not None, concurrency=concurrency)

    @worker.on(PreviewReady)
    async def add_screens(event: PreviewReady, ctx: HandlerContext) -> AsyncIterator[Event]:
        spec = await _spec_of(bus, event.project_id)
        # Only a model-backed stage asks: without a model the fork's one is ignored.
        own = await project_model(bus, event.project_id) if writer else None
        # The home screen came with the base; the rest arrive as they are written.
        planned = [s for s in spec.screens if s.route != spec.home]
        index = {s.route: i for i, s in enumerate(planned)}
        gate = asyncio.Semaphore(concurrency if writer else 1)

        async def bounded(screen: Screen) -> Written:
            # Written before a crash or a failure that a resume picks up: the log has it, and
            # writing it again would pay the model twice for the same screen.
            logged = ctx.logged_output(ScreenAdded, route=screen.route)
            if logged is not None and logged.screen is not None:
                return Written(logged.screen)
            async with gate:
                return await write(event.project_id, spec, screen, own)

        tasks = [asyncio.create_task(bounded(s)) for s in planned]
        written: dict[str, Screen] = {}
        try:
            for done, next_done in enumerate(asyncio.as_completed(tasks)):
                try:
                    outcome = await next_done
                except BudgetExceeded as error:
                    yield error.stopped(ctx, Stage.adding_screens)
                    raise PermanentError(str(error)) from error
                screen = outcome.screen
                calls = outcome.calls
                if outcome.fell_back is not None:
                    yield ctx.emit(
                        ScreenFellBack,
                        model_calls=calls,
                        part=screen.route,
                        reason=outcome.fell_back,
                    )
                    calls = ()
                written[screen.route] = screen
                yield ctx.emit(
                    ScreenAdded,
                    model_calls=calls,
                    route=screen.route,
                    title=screen.title,
                    index=index[screen.route],
                    total=len(planned),
                    screen=screen,
                    files=tuple(render_screen(spec, screen)),
                    progress=BAND.at(done, len(planned)),
                )
        finally:
            for task in tasks:
                task.cancel()
            with contextlib.suppress(BaseException):
                await asyncio.gather(*tasks, return_exceptions=True)
        final = with_screens(spec, written) if writer else spec
        yield ctx.emit(
            ComponentsAdded,
            components=tuple(kind.value for kind in final.component_kinds),
            files=(*_spec_module(spec, final), *render_components(final)),
        )
        yield ctx.emit(ScreensCompleted, screens=tuple(s.route for s in final.screens))

    return worker


def _spec_module(planned: AppSpec, final: AppSpec) -> list[FileWrite]:
    """The spec module again when written screens changed it, so the runtime loads the
    components they use (it reads the list of kinds from the spec)."""
    if final == planned:
        return []
    return [f for f in render_base(final) if f.path == SPEC_MODULE]


async def _spec_of(bus: EventBus, project_id: str) -> AppSpec:
    found = await bus.log.latest(project_id, AnalysisCompleted)
    if found is None:
        # The preview cannot be ready without an analysis; the stream has lost it.
        raise PermanentError(
            "the app's spec is missing from the event log, so no screens can be written"
        )
    return found[1].spec


def build_worker(settings: Settings) -> WorkerFactory:
    """The screens worker as `run_service` builds it: with a model when one is configured."""

    async def build(bus: EventBus) -> Worker:
        client = await open_client(
            bus.js, settings.llm, Purpose.screen, replicas=bus.settings.stream_replicas
        )
        writer = ModelScreenWriter(client) if client else None
        return screens_worker(bus, writer, settings.llm.screen_concurrency)

    return build
