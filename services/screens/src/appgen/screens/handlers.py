"""Screens: after the preview is live, every other screen one at a time, then the components."""

from __future__ import annotations

from collections.abc import AsyncIterator

from appgen.events import (
    AnalysisCompleted,
    ComponentsAdded,
    Event,
    EventBus,
    HandlerContext,
    PermanentError,
    PreviewReady,
    ScreenAdded,
    ScreensCompleted,
    Stage,
    Worker,
)
from appgen.render import render_components, render_screen
from appgen.spec import AppSpec

# Screens fill the progress bar from the preview (40%) to the components (85%).
_FIRST, _LAST = 45, 80


def screen_progress(index: int, total: int) -> int:
    return _FIRST + round((_LAST - _FIRST) * (index + 1) / total)


def screens_worker(bus: EventBus) -> Worker:
    worker = Worker("screens", Stage.adding_screens)

    @worker.on(PreviewReady)
    async def add_screens(event: PreviewReady, ctx: HandlerContext) -> AsyncIterator[Event]:
        spec = await _spec_of(bus, event.project_id)
        # The home screen came with the base; the rest arrive one by one.
        screens = [s for s in spec.screens if s.route != spec.home]
        for index, screen in enumerate(screens):
            yield ctx.emit(
                ScreenAdded,
                route=screen.route,
                title=screen.title,
                index=index,
                total=len(screens),
                files=tuple(render_screen(spec, screen)),
                progress=screen_progress(index, len(screens)),
            )
            await ctx.in_progress()
        yield ctx.emit(
            ComponentsAdded,
            components=tuple(kind.value for kind in spec.component_kinds),
            files=tuple(render_components(spec)),
        )
        yield ctx.emit(ScreensCompleted, screens=tuple(s.route for s in spec.screens))

    return worker


async def _spec_of(bus: EventBus, project_id: str) -> AppSpec:
    analysis = await bus.latest(project_id, AnalysisCompleted)
    if analysis is None:
        # The preview cannot be ready without an analysis; the stream has lost it.
        raise PermanentError(
            "the app's spec is missing from the event log, so no screens can be written"
        )
    return analysis.spec


async def build_worker(bus: EventBus) -> Worker:
    return screens_worker(bus)
