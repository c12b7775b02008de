"""The analyzer stage: ProjectRequested in; AnalysisStarted and AnalysisCompleted out.

With a model, the analysis streams: AnalysisProgressed names the screens as they appear. An
answer that stays invalid after a repair and a retry, or an endpoint that keeps failing, gives
AnalysisFellBack and the rules' spec instead, so a broken spec is never rendered. A project
forked with its own model is analysed by that model (`appgen.llm.project`).
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator

from appgen.analyzer.editing import handle_edits
from appgen.analyzer.engine import Analyzer, RulesAnalyzer
from appgen.analyzer.llm_analysis import ModelAnalyzer
from appgen.analyzer.llm_edit import ModelEditor
from appgen.analyzer.settings import Settings
from appgen.events import (
    AnalysisCompleted,
    AnalysisFellBack,
    AnalysisProgressed,
    AnalysisStarted,
    Event,
    EventBus,
    HandlerContext,
    PermanentError,
    ProjectRequested,
    Stage,
    Worker,
)
from appgen.events.catalog.pipeline import ANALYZER
from appgen.events.transport.process import WorkerFactory
from appgen.llm import BudgetExceeded, LLMError, Purpose, open_client, project_model
from appgen.spec import AppSpec


def analyzer_worker(
    analyzer: Analyzer,
    model: ModelAnalyzer | None = None,
    bus: EventBus | None = None,
    editor: ModelEditor | None = None,
) -> Worker:
    """The worker around the rules (always there, the fallback) and an optional model. With
    `bus`, a forked project's own model (its ProjectForked) replaces the configured one, and the
    worker also revises specs for edits (`editing.py`), which read the project's log."""
    worker = Worker(ANALYZER)
    if bus is not None:
        handle_edits(worker, bus, editor)

    @worker.on(ProjectRequested)
    async def on_requested(event: ProjectRequested, ctx: HandlerContext) -> AsyncIterator[Event]:
        yield ctx.emit(AnalysisStarted)
        if model is not None:
            async for output in _model_analysis(model, event, ctx):
                yield output
            return
        yield ctx.emit(
            AnalysisCompleted, spec=await _rules(analyzer, event.prompt), source=analyzer.source
        )

    async def _model_analysis(
        model: ModelAnalyzer, event: ProjectRequested, ctx: HandlerContext
    ) -> AsyncIterator[Event]:
        progress: asyncio.Queue[tuple[tuple[str, ...], int]] = asyncio.Queue()

        async def on_progress(routes: tuple[str, ...], chars: int) -> None:
            progress.put_nowait((routes, chars))

        own = await project_model(bus, event.project_id) if bus is not None else None
        task = asyncio.create_task(
            model.analyze(event.project_id, event.prompt, on_progress, model=own)
        )
        try:
            while not task.done() or not progress.empty():
                getter = asyncio.ensure_future(progress.get())
                await asyncio.wait({task, getter}, return_when=asyncio.FIRST_COMPLETED)
                if not getter.done():
                    getter.cancel()
                    continue
                routes, chars = getter.result()
                # Only the newest state is worth an event when several arrived meanwhile.
                while not progress.empty():
                    routes, chars = progress.get_nowait()
                yield ctx.emit(AnalysisProgressed, screens=routes, output_chars=chars)
            result = task.result()
        except BudgetExceeded as error:
            yield error.stopped(ctx, Stage.analyzing)
            raise PermanentError(str(error)) from error
        except LLMError as error:
            yield ctx.emit(
                AnalysisFellBack, model_calls=error.model_calls, part="spec", reason=str(error)
            )
            spec = await _rules(analyzer, event.prompt)
            yield ctx.emit(AnalysisCompleted, spec=spec, source=analyzer.source)
            return
        finally:
            if not task.done():
                task.cancel()
                with contextlib.suppress(BaseException):
                    await task
        yield ctx.emit(
            AnalysisCompleted, model_calls=result.model_calls, spec=result.value, source="model"
        )

    return worker


async def _rules(analyzer: Analyzer, prompt: str) -> AppSpec:
    try:
        return await analyzer.analyze(prompt)
    except ValueError as error:
        # A prompt that cannot become a spec never will: give up now, with the reason.
        raise PermanentError(str(error)) from error


def build_worker(settings: Settings) -> WorkerFactory:
    """The analyzer's worker as `run_service` builds it: with a model when one is configured."""

    async def build(bus: EventBus) -> Worker:
        client = await open_client(
            bus.js, settings.llm, Purpose.analysis, replicas=bus.settings.stream_replicas
        )
        return analyzer_worker(
            RulesAnalyzer(),
            ModelAnalyzer(client) if client else None,
            bus,
            ModelEditor(client) if client else None,
        )

    return build
