"""Edits take turns: the next one starts when the project is idle (docs/edits.md).

A project is idle when its generation is complete and no edit is running. Whatever can end a
busy stretch (the generation completing, an edit applied or rejected) or start a queue (an edit
requested) wakes this handler, which folds the log and starts the first queued edit. Each of
those events is stored before it is handled, so of two that race, at least one handler sees
both; the start's id depends on the project and the edit alone, so a second start is dropped.
"""

from __future__ import annotations

from collections.abc import AsyncIterator

from appgen.events import (
    EditRejected,
    EditStarted,
    Event,
    EventBus,
    HandlerContext,
    Worker,
)
from appgen.events.catalog.pipeline import EDIT_WAKES

FAILED_BEFORE_TURN = (
    "The app's generation failed before this change's turn, so there is no app to change. "
    "Resume the project (appgen resume, or POST …/resume) and ask again."
)


def schedule_edits(worker: Worker, bus: EventBus) -> None:
    async def next_turn(event: Event, ctx: HandlerContext) -> AsyncIterator[Event]:
        queue = await bus.log.edits(event.project_id)
        if queue.generation == "failed":
            for waiting in queue.queued:
                yield ctx.emit(
                    EditRejected,
                    edit_id=waiting.edit_id,
                    reason=FAILED_BEFORE_TURN,
                )
            return
        turn = queue.next_edit()
        if turn is None:
            return
        yield ctx.emit(
            EditStarted,
            edit_id=turn.edit_id,
            base_version=queue.version,
        )

    for wake in EDIT_WAKES:
        worker.on(wake)(next_turn)
