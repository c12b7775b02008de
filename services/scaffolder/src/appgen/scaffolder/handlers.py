"""Scaffolder: from the analysis to a live preview, before any other screen is written."""

from __future__ import annotations

from collections.abc import AsyncIterator

from appgen.events import (
    AnalysisCompleted,
    BaseGenerated,
    Event,
    EventBus,
    HandlerContext,
    PreviewConfigured,
    PreviewReady,
    ProjectCreated,
    Worker,
)
from appgen.events.catalog.pipeline import SCAFFOLDER
from appgen.events.transport.process import WorkerFactory
from appgen.render import render_base, render_preview_setup
from appgen.scaffolder.settings import Settings


def scaffolder_worker() -> Worker:
    worker = Worker(SCAFFOLDER)

    @worker.on(AnalysisCompleted)
    async def scaffold(event: AnalysisCompleted, ctx: HandlerContext) -> AsyncIterator[Event]:
        spec = event.spec
        yield ctx.emit(
            ProjectCreated,
            name=spec.name,
            slug=spec.slug,
            screens_planned=tuple(s.route for s in spec.screens),
        )
        yield ctx.emit(BaseGenerated, files=tuple(render_base(spec)))
        yield ctx.emit(PreviewConfigured, files=tuple(render_preview_setup(spec)))
        yield ctx.emit(PreviewReady)

    return worker


def build_worker(settings: Settings) -> WorkerFactory:
    """The scaffolder's worker as `run_service` builds it (it needs no clients)."""

    async def build(bus: EventBus) -> Worker:
        return scaffolder_worker()

    return build
