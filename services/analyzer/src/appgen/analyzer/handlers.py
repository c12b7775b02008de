"""The analyzer stage: ProjectRequested in; AnalysisStarted and AnalysisCompleted out."""

from __future__ import annotations

from collections.abc import AsyncIterator

from appgen.analyzer.engine import Analyzer, RulesAnalyzer
from appgen.events import (
    AnalysisCompleted,
    AnalysisStarted,
    Event,
    EventBus,
    HandlerContext,
    PermanentError,
    ProjectRequested,
    Stage,
    Worker,
)


def make_worker(analyzer: Analyzer) -> Worker:
    """The worker around any analyzer; ids come from the context, so redelivery repeats them."""
    worker = Worker("analyzer", Stage.analyzing)

    @worker.on(ProjectRequested)
    async def on_requested(event: ProjectRequested, ctx: HandlerContext) -> AsyncIterator[Event]:
        yield ctx.emit(AnalysisStarted)
        try:
            spec = await analyzer.analyze(event.prompt)
        except ValueError as error:
            # A prompt that cannot become a spec never will: give up now, with the reason.
            raise PermanentError(str(error)) from error
        yield ctx.emit(AnalysisCompleted, spec=spec, source=analyzer.source)

    return worker


async def build_worker(bus: EventBus) -> Worker:
    """The analyzer's worker as `run_service` builds it (the bus is unused by the rules)."""
    del bus
    return make_worker(RulesAnalyzer())
