"""The screens' part of an edit: SpecRevised in; only what changed out, then EditApplied.

Each screen the revision added, changed or removed gets its own event (ScreenAdded,
ScreenUpdated, ScreenRemoved); with a model only those screens are written by it, so an edit
costs the screens it changes and no more. The app-wide files (spec module, styles, entry page,
manifest) and the component modules are compared with the project's files as they stand and
only the ones that differ are written again (BaseRevised, ComponentsAdded). EditApplied closes
the edit: it is what makes the new version, and what an open preview reloads on.

The screens are written in parallel (a bounded number at once, as in the first generation) and
their events are published together once every screen is written: a stop on the way (the
budget, a failure) rejects the edit, and a rejected edit must leave the project's files as they
were, which a screen published before the stop would not.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Coroutine
from typing import Any

from appgen.events import (
    BaseRevised,
    ComponentsAdded,
    EditApplied,
    Event,
    EventBus,
    FileWrite,
    HandlerContext,
    PermanentError,
    ScreenAdded,
    ScreenFellBack,
    ScreenRemoved,
    ScreenUpdated,
    SpecRevised,
    Stage,
    Worker,
)
from appgen.llm import BudgetExceeded, project_model
from appgen.render import render_base, render_components, render_preview_setup, render_screen
from appgen.render._web import screen_path
from appgen.screens.llm_screens import with_screens
from appgen.screens.writing import WriteScreen, Written
from appgen.spec import Screen


def _changed(files: list[FileWrite], tree: dict[str, FileWrite]) -> tuple[FileWrite, ...]:
    """The files whose content differs from the tree's (or that it does not have)."""
    return tuple(f for f in files if (old := tree.get(f.path)) is None or old.sha256 != f.sha256)


async def _all_or_stop(writes: list[Coroutine[Any, Any, Written]]) -> list[Written]:
    """Every write's outcome, in order; when the budget stops one, the rest are cancelled and
    the stop carries every call already paid for (the writes that finished, and its own)."""
    tasks = [asyncio.ensure_future(w) for w in writes]
    if not tasks:
        return []
    try:
        await asyncio.wait(tasks, return_when=asyncio.FIRST_EXCEPTION)
        stops = [e for t in tasks if t.done() and (e := t.exception()) is not None]
        if stops:
            first = stops[0]
            if not isinstance(first, BudgetExceeded):
                raise first
            paid = [c for t in tasks if t.done() and not t.exception() for c in t.result().calls]
            raise BudgetExceeded(first.spent_usd, first.budget_usd, [*paid, *first.model_calls])
        return [t.result() for t in tasks]
    finally:
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)


def handle_revisions(
    worker: Worker,
    bus: EventBus,
    write: WriteScreen,
    *,
    model_backed: bool,
    concurrency: int = 4,
) -> None:
    @worker.on(SpecRevised)
    async def revise_screens(event: SpecRevised, ctx: HandlerContext) -> AsyncIterator[Event]:
        before = await bus.log.edits(event.project_id, at=ctx.position - 1)
        old = before.spec
        if old is None:
            raise PermanentError("the app's spec before this change is missing from the log")
        tree = (await bus.log.files(event.project_id, at=ctx.position)).files
        new = event.spec
        own = await project_model(bus, event.project_id) if model_backed else None
        old_routes = {s.route: s for s in old.screens}
        # The screens to write: new ones and those whose definition changed, in spec order.
        work = [
            (index, planned, old_routes.get(planned.route))
            for index, planned in enumerate(new.screens)
            if old_routes.get(planned.route) != planned
        ]
        gate = asyncio.Semaphore(concurrency)

        async def one(planned: Screen, previous: Screen | None) -> Written:
            # Written before a crash: the log has it, and the model is not paid twice.
            logged: ScreenAdded | ScreenUpdated | None = (
                ctx.logged_output(ScreenAdded, route=planned.route)
                if previous is None
                else ctx.logged_output(ScreenUpdated, route=planned.route)
            )
            if logged is not None and logged.screen is not None:
                return Written(logged.screen)
            async with gate:
                return await write(event.project_id, new, planned, own)

        try:
            outcomes = await _all_or_stop([one(planned, previous) for _, planned, previous in work])
        except BudgetExceeded as stop:
            yield stop.stopped(ctx, Stage.editing)
            raise PermanentError(str(stop)) from stop
        written: dict[str, Screen] = {}
        screens: list[Event] = []
        total = len(new.screens)
        for (index, planned, previous), outcome in zip(work, outcomes, strict=True):
            screen, calls = outcome.screen, outcome.calls
            if outcome.fell_back is not None:
                screens.append(
                    ctx.emit(
                        ScreenFellBack,
                        model_calls=calls,
                        part=planned.route,
                        reason=outcome.fell_back,
                    )
                )
                calls = ()
            written[planned.route] = screen
            files = tuple(render_screen(new, screen))
            if previous is None:
                screens.append(
                    ctx.emit(
                        ScreenAdded,
                        model_calls=calls,
                        route=screen.route,
                        title=screen.title,
                        index=index,
                        total=total,
                        screen=screen,
                        files=files,
                        progress=100,
                    )
                )
            else:
                screens.append(
                    ctx.emit(
                        ScreenUpdated,
                        model_calls=calls,
                        edit_id=event.edit_id,
                        route=screen.route,
                        title=screen.title,
                        screen=screen,
                        files=_changed(list(files), tree),
                    )
                )
        for output in screens:
            yield output
        final = with_screens(new, written) if written else new
        components = _changed(render_components(final), tree)
        if components:
            yield ctx.emit(
                ComponentsAdded,
                components=tuple(kind.value for kind in final.component_kinds),
                files=components,
                progress=100,
            )
        base = _changed(render_base(final) + render_preview_setup(final), tree)
        if base:
            yield ctx.emit(BaseRevised, edit_id=event.edit_id, files=base)
        for screen in old.screens:
            if screen.route not in {s.route for s in new.screens}:
                yield ctx.emit(
                    ScreenRemoved,
                    edit_id=event.edit_id,
                    route=screen.route,
                    title=screen.title,
                    removed=(screen_path(screen),),
                )
        prompt = before.edits[event.edit_id].prompt if event.edit_id in before.edits else ""
        yield ctx.emit(
            EditApplied,
            edit_id=event.edit_id,
            version=event.version,
            prompt=prompt or f"Version {event.version}",
            changes=tuple(change.summary for change in event.changes),
        )
