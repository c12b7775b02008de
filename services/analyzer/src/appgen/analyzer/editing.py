"""The analyzer's part of an edit: EditStarted in; SpecRevised or EditRejected out.

The current spec, the version numbers and the spec of every earlier version come from the
project's log (`ProjectLog.edits`), so a restore is a new version equal to an old one and history
is never rewritten. Without a model the deterministic editor (`edits.revise`) decides; with one,
the model answers the revised spec and the deterministic editor is the fallback, as for a first
analysis. A revision that changes nothing is rejected: a version must differ from the one before.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass

from appgen.analyzer.edits import Refusal, Revision, revise
from appgen.analyzer.llm_edit import ModelEditor
from appgen.events import (
    EditFellBack,
    EditQueue,
    EditRejected,
    EditStarted,
    Event,
    EventBus,
    HandlerContext,
    ModelCall,
    PermanentError,
    SpecRevised,
    Stage,
    Worker,
)
from appgen.events.catalog.versions import Edit
from appgen.llm import BudgetExceeded, LLMError, project_model
from appgen.spec import AppSpec, diff

UNCHANGED = (
    "That would not change anything in the app as it is now. Try, for example, "
    '"add a due date to tasks", "rename the app to Sprout" or "use a green accent".'
)


def restored(queue: EditQueue, version: int) -> Revision | Refusal:
    """A revision back to `version`'s spec, or why there is none."""
    target = queue.specs.get(version)
    if target is None:
        return Refusal(
            f"There is no version {version} to restore: this app has versions 1 to {queue.version}."
        )
    current = queue.spec
    changes = diff(current, target) if current is not None else ()
    if not changes:
        return Refusal(f"The app is already the same as version {version}.")
    return Revision(spec=target, changes=changes)


@dataclass
class _ModelAnswer:
    """What the model made of an edit: its revision (None when it fell back) and the calls."""

    revision: Revision | None = None
    calls: tuple[ModelCall, ...] = ()


def handle_edits(worker: Worker, bus: EventBus, model: ModelEditor | None) -> None:
    @worker.on(EditStarted)
    async def on_started(event: EditStarted, ctx: HandlerContext) -> AsyncIterator[Event]:
        queue = await bus.log.edits(event.project_id)
        edit = queue.edits.get(event.edit_id)
        spec = queue.spec
        if edit is None or spec is None:
            raise PermanentError("the edit or the app's spec is missing from the event log")
        source, answer = "rules", _ModelAnswer()
        outcome: Revision | Refusal
        if edit.restore is not None:
            outcome, source = restored(queue, edit.restore), "restore"
        else:
            if model is not None:
                async for fell_back in _model_revision(model, spec, edit, ctx, answer):
                    yield fell_back
            if answer.revision is not None:
                outcome, source = answer.revision, "model"
            else:
                outcome = revise(spec, edit.prompt)
        if isinstance(outcome, Refusal) or not outcome.changes:
            reason = outcome.reason if isinstance(outcome, Refusal) else UNCHANGED
            yield ctx.emit(EditRejected, edit_id=edit.edit_id, reason=reason[:2000])
            return
        yield ctx.emit(
            SpecRevised,
            edit_id=edit.edit_id,
            version=queue.version + 1,
            spec=outcome.spec,
            changes=outcome.changes,
            source=source,
            model_calls=answer.calls,
        )

    async def _model_revision(
        editor: ModelEditor, spec: AppSpec, edit: Edit, ctx: HandlerContext, answer: _ModelAnswer
    ) -> AsyncIterator[Event]:
        """Ask the model, filling in `answer`; yields the fallback's fact when it cannot."""
        own = await project_model(bus, ctx.cause.project_id)
        try:
            result = await editor.edit(ctx.cause.project_id, spec, edit.prompt, model=own)
        except BudgetExceeded as error:
            yield error.stopped(ctx, Stage.editing)
            raise PermanentError(str(error)) from error
        except LLMError as error:
            yield ctx.emit(
                EditFellBack,
                model_calls=error.model_calls,
                edit_id=edit.edit_id,
                part="spec",
                reason=str(error)[:2000],
            )
            return
        answer.calls = result.model_calls
        answer.revision = Revision(spec=result.value, changes=diff(spec, result.value))
